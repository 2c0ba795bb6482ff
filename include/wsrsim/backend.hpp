// "A port-reservation host": what the replay engine and the benchmark talk to.
// The model serves it (ModelBackend); a real OS backend can serve it too.
#pragma once

#include <string_view>

#include "wsrsim/host.hpp"
#include "wsrsim/request.hpp"

namespace wsrsim {

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    virtual Outcome apply(const Request& request) = 0;
    // The model behind this backend, for reports only the model can give
    // (netsh tables, counts); nullptr for a real OS backend.
    virtual const Host* model() const { return nullptr; }
    // The caller will not wait for this overlapped request: its record may go once
    // it has completed. A pending request still completes as usual.
    virtual void forget(RequestId) {}
};

class ModelBackend final : public Backend {
public:
    explicit ModelBackend(Host& host) : host_(host) {}
    std::string_view name() const override { return "model"; }
    Outcome apply(const Request& request) override { return wsrsim::apply(host_, request); }
    const Host* model() const override { return &host_; }
    // For callers that serve requests of a known kind straight on the host (Applier).
    Host& host() const { return host_; }

    void forget(RequestId request) override { host_.forget(request); }

private:
    Host& host_;
};

}  // namespace wsrsim
