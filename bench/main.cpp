#include <benchmark/benchmark.h>

#include "backend_cases.hpp"
#include "wsrsim/linux_backend.hpp"

namespace {

// The model as a Backend that owns its host.
class OwnedModel final : public wsrsim::Backend {
public:
    std::string_view name() const override { return "model"; }
    wsrsim::Outcome apply(const wsrsim::Request& request) override {
        return wsrsim::apply(host_, request);
    }
    const wsrsim::Host* model() const override { return &host_; }

private:
    wsrsim::Host host_;
};

}  // namespace

int main(int argc, char** argv) {
    wsrsim::bench::register_backend_cases("model", [] { return std::make_unique<OwnedModel>(); });
    // A descriptor per reserved port: as many live reservations as the hard limit allows.
    wsrsim::raise_descriptor_limit();
    wsrsim::bench::register_backend_cases("linux", [] { return std::make_unique<wsrsim::LinuxBackend>(); });
    wsrsim::bench::register_model_memory_cases();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
