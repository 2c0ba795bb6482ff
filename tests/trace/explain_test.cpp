// `wsrsim explain`: the outcome of one request and the reservations deciding it.
#include <doctest/doctest.h>

#include <sstream>

#include "wsrsim/explain.hpp"
#include "wsrsim/netsh_import.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;

namespace {

// A Hyper-V host as users paste it: WinNAT blocks from 1024 up, one administered exclusion.
Host hyperv_host() {
    std::istringstream table(
        "Protocol tcp Port Exclusion Ranges\n"
        "      1024        1123\n"
        "      1124        1223\n"
        "      1224        1323\n"
        "      3000        3000     *\n"
        "Protocol tcp Dynamic Port Range\n"
        "Start Port      : 1024\n"
        "Number of Ports : 64511\n");
    Host host;
    ModelBackend backend(host);
    recreate_host(backend, read_netsh_tables(table));
    return host;
}

}  // namespace

TEST_CASE("bind in a Hyper-V block: WSAEACCES, decided by the runtime block of System") {
    Host host = hyperv_host();
    const Explanation explanation = explain(host, ExplainRequest{.question = Question::bind, .start = 1258});
    CHECK(explanation.request == "bind tcp 1258");
    CHECK(explanation.outcome.error == Error::wsaeacces);
    REQUIRE(explanation.deciding.size() == 1);
    CHECK(explanation.deciding[0].reservation.block == PortBlock{1224, 100});
    CHECK(describe(explanation.deciding[0]) == "1224-1323 tcp, runtime reservation of pid 4 (System)");
    CHECK(explanation.why.find("SPEC §5") != std::string::npos);
    CHECK(explanation.advice.find("startport=1258 numberofports=1") != std::string::npos);
}

TEST_CASE("bind in an administered exclusion or outside every block succeeds") {
    Host host = hyperv_host();
    const Explanation administered = explain(host, ExplainRequest{.question = Question::bind, .start = 3000});
    CHECK(administered.outcome.error == Error::ok);
    REQUIRE(administered.deciding.size() == 1);
    CHECK(describe(administered.deciding[0]) == "3000-3000 tcp, administered exclusion (*), persistent");
    CHECK(administered.why.find("explicit bind") != std::string::npos);
    const Explanation free = explain(host, ExplainRequest{.question = Question::bind, .start = 8080});
    CHECK(free.outcome.port == 8080);
    CHECK(free.deciding.empty());
    CHECK(free.advice.empty());
}

TEST_CASE("acquire: every overlapping reservation is listed") {
    Host host = hyperv_host();
    const Explanation explanation =
        explain(host, ExplainRequest{.question = Question::acquire, .start = 1100, .count = 200});
    CHECK(explanation.outcome.error == Error::wsaeaddrinuse);
    CHECK(explanation.deciding.size() == 3);
    CHECK(explanation.why.find("row 7") != std::string::npos);
}

TEST_CASE("a wildcard acquire that does not fit names the longest free run") {
    Host host;
    host.set_dynamic_range(Transport::udp, 60000, 300);
    host.create_process(4, true, "System");
    REQUIRE(host.acquire(host.open_socket(4, SocketKind::udp).socket, PortBlock{60100, 10}).ok());
    const Explanation explanation = explain(
        host, ExplainRequest{.question = Question::acquire, .transport = Transport::udp, .start = 0, .count = 200});
    CHECK(explanation.outcome.error == Error::wsaenobufs);
    CHECK(explanation.why.find("the longest unreserved run is 190 ports") != std::string::npos);
}

TEST_CASE("persist-create: a held block is a sharing violation; a user is refused") {
    Host host = hyperv_host();
    const Explanation held = explain(
        host, ExplainRequest{.question = Question::persist_create, .start = 1258, .count = 1, .elevated = true});
    CHECK(held.outcome.error == Error::sharing_violation);
    CHECK(held.deciding.size() == 1);
    CHECK(held.advice.find("net stop winnat") != std::string::npos);
    const Explanation user =
        explain(host, ExplainRequest{.question = Question::persist_create, .start = 5000, .count = 1});
    CHECK(user.outcome.error == Error::access_denied);
    const Explanation admin = explain(
        host, ExplainRequest{.question = Question::persist_create, .start = 5000, .count = 1, .elevated = true});
    CHECK(admin.outcome.error == Error::ok);
}
