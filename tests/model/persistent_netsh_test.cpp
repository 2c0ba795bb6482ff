// SPEC §8 (Create/Delete/LookupPersistent*PortReservation, every row in its order)
// and the netsh texts of §9, byte for byte.
#include "spec_examples.hpp"
#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

namespace {

constexpr Pid unknown_pid = 9999;

const std::string table_header_tcp =
    "\nProtocol tcp Port Exclusion Ranges\n\nStart Port    End Port\n----------    --------\n";
const std::string table_header_udp =
    "\nProtocol udp Port Exclusion Ranges\n\nStart Port    End Port\n----------    --------\n";
const std::string table_footer = "\n* - Administered port exclusions.\n\n";

netsh::CommandResult printed(Error error, std::string text) {
    return netsh::CommandResult{error, std::move(text)};
}

}  // namespace

// So that CHECK compares and prints whole netsh results.
namespace wsrsim::netsh {
bool operator==(const CommandResult& a, const CommandResult& b) {
    return a.error == b.error && a.text == b.text;
}
std::ostream& operator<<(std::ostream& out, const CommandResult& result) {
    return out << result.error << " \"" << result.text << '"';
}
}  // namespace wsrsim::netsh

// ==== CreatePersistent*PortReservation ====

TEST_CASE("Create from a process that is not elevated, or unknown, is ERROR_ACCESS_DENIED") {
    World w;
    CHECK_REFUSED(w, Error::access_denied,
                  w.host.create_persistent(app, Transport::tcp, administered_block));
    CHECK_REFUSED(w, Error::access_denied,
                  w.host.create_persistent(unknown_pid, Transport::tcp, administered_block));
}

TEST_CASE("Create of an invalid block by a process that is not elevated is ERROR_ACCESS_DENIED, not ERROR_INVALID_PARAMETER") {
    World w;
    CHECK_REFUSED(w, Error::access_denied,
                  w.host.create_persistent(app, Transport::tcp, PortBlock{0, 10}));
}

TEST_CASE("Create with start 0, count 0 or a block past 65535 is ERROR_INVALID_PARAMETER") {
    World w;
    for (PortBlock block : {PortBlock{0, 10}, PortBlock{5000, 0}, PortBlock{65530, 7}})
        CHECK_REFUSED(w, Error::invalid_parameter,
                      w.host.create_persistent(admin, Transport::tcp, block));
}

TEST_CASE("Create of a block past 65535 over a reserved port is ERROR_INVALID_PARAMETER, not ERROR_SHARING_VIOLATION") {
    World w;
    w.persisted(Transport::tcp, PortBlock{65530, 6});
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.create_persistent(admin, Transport::tcp, PortBlock{65530, 7}));
}

TEST_CASE("Create of a block overlapping any reservation of its transport is ERROR_SHARING_VIOLATION") {
    World w;
    w.acquired(w.open(app, SocketKind::tcp), PortBlock{5000, 20});
    w.persisted(Transport::tcp, administered_block);
    w.persisted(Transport::tcp, PortBlock{51000, 10}, ReservationKind::active);
    for (PortBlock block : {PortBlock{5019, 1}, PortBlock{49990, 11}, PortBlock{51009, 100}})
        CHECK_REFUSED(w, Error::sharing_violation,
                      w.host.create_persistent(admin, Transport::tcp, block));
    CHECK(w.persisted(Transport::udp, administered_block) != invalid_token);  // the other space
}

TEST_CASE("Create of a block containing a port bound by any socket is ERROR_SHARING_VIOLATION") {
    World w;
    w.bound(w.open(peer, SocketKind::tcp), 0);  // an ephemeral port: 49152
    w.bound(w.open(admin, SocketKind::tcp), 7000);
    CHECK_REFUSED(w, Error::sharing_violation,
                  w.host.create_persistent(admin, Transport::tcp, PortBlock{49100, 53}));
    CHECK_REFUSED(w, Error::sharing_violation,
                  w.host.create_persistent(admin, Transport::tcp, PortBlock{7000, 1}));
    CHECK(w.persisted(Transport::tcp, PortBlock{49100, 52}) != invalid_token);
}

TEST_CASE("Create makes an administered reservation owned by nobody, with a fresh token") {
    World w;
    const Outcome created = w.host.create_persistent(admin, Transport::tcp, administered_block);
    REQUIRE(created.ok());
    CHECK(created.token != invalid_token);
    CHECK(created.block == administered_block);
    CHECK(*w.host.reservation_with(created.token) ==
          ReservationView{Transport::tcp, administered_block, created.token,
                          ReservationKind::persistent, 0, no_socket});
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{1, 60, 0});
}

TEST_CASE("Create with store=active makes an administered reservation too") {
    World w;
    const Token token = w.persisted(Transport::tcp, administered_block, ReservationKind::active);
    CHECK(w.host.reservation_with(token)->kind == ReservationKind::active);
    CHECK(w.table(Transport::tcp) == table_header_tcp + "     50000       50059     *\n" + table_footer);
}

TEST_CASE("a persistent reservation in the dynamic range keeps wildcard blocks and ephemeral ports out") {
    World w;
    w.persisted(Transport::udp, PortBlock{49152, 100});
    CHECK(w.acquired(w.open(), wildcard(10)).block == PortBlock{49252, 10});
    CHECK(w.bound(w.open(), 0) == 49262);
}

// ==== DeletePersistent*PortReservation ====

TEST_CASE("Delete from a process that is not elevated is ERROR_ACCESS_DENIED, even with a zero block") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    CHECK_REFUSED(w, Error::access_denied,
                  w.host.delete_persistent(app, Transport::tcp, administered_block));
    CHECK_REFUSED(w, Error::access_denied,
                  w.host.delete_persistent(unknown_pid, Transport::tcp, administered_block));
    CHECK_REFUSED(w, Error::access_denied, w.host.delete_persistent(app, Transport::tcp, PortBlock{}));
}

TEST_CASE("Delete with start or count zero is ERROR_INVALID_PARAMETER, not ERROR_NOT_FOUND") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.delete_persistent(admin, Transport::tcp, PortBlock{0, 60}));
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.delete_persistent(admin, Transport::tcp, PortBlock{50000, 0}));
}

TEST_CASE("Delete of a block that is not exactly a persistent reservation is ERROR_NOT_FOUND") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    for (PortBlock block : {PortBlock{50000, 59}, PortBlock{50000, 61}, PortBlock{50001, 59},
                            PortBlock{49999, 61}, PortBlock{6000, 60}})
        CHECK_REFUSED(w, Error::not_found, w.host.delete_persistent(admin, Transport::tcp, block));
    CHECK_REFUSED(w, Error::not_found,
                  w.host.delete_persistent(admin, Transport::udp, administered_block));
}

TEST_CASE("Delete of a runtime block with the same start and count is ERROR_NOT_FOUND") {
    // decisions.hpp, §8: Delete finds administered reservations only.
    World w;
    w.acquired(w.open(admin), PortBlock{5000, 20});
    CHECK_REFUSED(w, Error::not_found,
                  w.host.delete_persistent(admin, Transport::udp, PortBlock{5000, 20}));
}

TEST_CASE("Delete removes the reservation; bound sockets keep their ports, unbound associated ones lose the association") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle serving = w.open(admin);
    const SocketHandle waiting = w.open(admin);
    w.associated(serving, token);
    w.associated(waiting, token);
    w.bound(serving, 50000);
    CHECK(w.host.delete_persistent(admin, Transport::udp, administered_block) == Error::ok);
    CHECK(w.host.reservations(Transport::udp).empty());
    CHECK(w.view(serving).bound_port == 50000);
    CHECK(w.view(waiting).association_lost);
    CHECK_REFUSED(w, decision::bind_after_association_lost, w.host.bind(waiting, 50001));
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{0, 0, 1});
}

TEST_CASE("Delete removes an active reservation too") {
    // decisions.hpp, §8: Delete and Lookup find both administered stores.
    World w;
    w.persisted(Transport::udp, administered_block, ReservationKind::active);
    CHECK(w.host.delete_persistent(admin, Transport::udp, administered_block) == Error::ok);
    CHECK(w.host.reservations(Transport::udp).empty());
}

// ==== LookupPersistent*PortReservation ====

TEST_CASE("Lookup with start or count zero is ERROR_INVALID_PARAMETER, not ERROR_NOT_FOUND") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.lookup_persistent(admin, Transport::tcp, PortBlock{0, 60}));
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.lookup_persistent(admin, Transport::tcp, PortBlock{50000, 0}));
}

TEST_CASE("Lookup of a block that is not exactly a persistent reservation is ERROR_NOT_FOUND") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    w.acquired(w.open(admin, SocketKind::tcp), PortBlock{5000, 20});
    CHECK_REFUSED(w, Error::not_found,
                  w.host.lookup_persistent(admin, Transport::tcp, PortBlock{50000, 59}));
    CHECK_REFUSED(w, Error::not_found,
                  w.host.lookup_persistent(admin, Transport::udp, administered_block));
    CHECK_REFUSED(w, Error::not_found,
                  w.host.lookup_persistent(admin, Transport::tcp, PortBlock{5000, 20}));
}

TEST_CASE("Lookup finds an active reservation too") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block, ReservationKind::active);
    CHECK(w.host.lookup_persistent(app, Transport::udp, administered_block).token == token);
}

TEST_CASE("Lookup needs no elevation and gives the reservation's token") {
    World w;
    const Token token = w.persisted(Transport::tcp, administered_block);
    for (Pid caller : {app, admin, unknown_pid}) {
        const Outcome found = w.host.lookup_persistent(caller, Transport::tcp, administered_block);
        CHECK(found.error == Error::ok);
        CHECK(found.token == token);
    }
}

// ==== netsh show excludedportrange ====

TEST_CASE("show excludedportrange prints the SPEC's example table byte for byte") {
    World w;
    w.acquired(w.open(app, SocketKind::tcp), PortBlock{5357, 1});
    w.persisted(Transport::tcp, administered_block);
    CHECK(netsh::show_excluded_port_range(w.host, Transport::tcp) == test::spec_excluded_tcp_table);
}

TEST_CASE("show excludedportrange of an empty table prints the header, the dashes and the footer") {
    World w;
    CHECK(w.table(Transport::tcp) == table_header_tcp + table_footer);
    CHECK(w.table(Transport::udp) == table_header_udp + table_footer);
}

TEST_CASE("show excludedportrange sorts rows by start port and does not merge adjacent blocks") {
    World w;
    const SocketHandle s = w.open(app, SocketKind::udp);
    w.acquired(s, PortBlock{6000, 10});
    w.persisted(Transport::udp, PortBlock{5990, 10});
    w.acquired(s, PortBlock{5000, 1});
    w.acquired(w.open(peer, SocketKind::udp), PortBlock{6010, 5});
    CHECK(w.table(Transport::udp) == table_header_udp +
                                         "      5000        5000\n"
                                         "      5990        5999     *\n"
                                         "      6000        6009\n"
                                         "      6010        6014\n" +
                                         table_footer);
}

TEST_CASE("show excludedportrange right-aligns one-digit and five-digit ports") {
    World w;
    w.persisted(Transport::udp, PortBlock{1, 9});
    w.acquired(w.open(), PortBlock{65535, 1});
    CHECK(w.table(Transport::udp) == table_header_udp +
                                         "         1           9     *\n"
                                         "     65535       65535\n" +
                                         table_footer);
}

TEST_CASE("show excludedportrange lists only the rows of the transport asked for") {
    World w;
    w.acquired(w.open(app, SocketKind::udp), PortBlock{5000, 20});
    CHECK(w.table(Transport::tcp) == table_header_tcp + table_footer);
}

// ==== netsh show dynamicport ====

TEST_CASE("show dynamicport prints the default range byte for byte") {
    World w;
    const std::string expected_tail =
        " Dynamic Port Range\n"
        "---------------------------------\n"
        "Start Port      : 49152\n"
        "Number of Ports : 16384\n"
        "\n";
    CHECK(netsh::show_dynamic_port(w.host, Transport::tcp) == "\nProtocol tcp" + expected_tail);
    CHECK(netsh::show_dynamic_port(w.host, Transport::udp) == "\nProtocol udp" + expected_tail);
}

TEST_CASE("show dynamicport prints a changed range") {
    World w;
    w.use_dynamic_range(Transport::udp, 1024, 64512);
    CHECK(netsh::show_dynamic_port(w.host, Transport::udp) ==
          "\nProtocol udp Dynamic Port Range\n---------------------------------\n"
          "Start Port      : 1024\nNumber of Ports : 64512\n\n");
}

// ==== netsh add / delete excludedportrange ====

TEST_CASE("add excludedportrange prints Ok. and adds an administered row") {
    World w;
    CHECK(netsh::add_excluded_port_range(w.host, admin, Transport::tcp, administered_block) ==
          printed(Error::ok, "Ok.\n\n"));
    CHECK(w.host.reservations(Transport::tcp).front().kind == ReservationKind::persistent);
    CHECK(netsh::add_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{51000, 10},
                                         ReservationKind::active)
              .error == Error::ok);
    CHECK(w.table(Transport::tcp) == table_header_tcp +
                                         "     50000       50059     *\n"
                                         "     51000       51009     *\n" +
                                         table_footer);
}

TEST_CASE("add excludedportrange prints the system message of its failure and changes nothing") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    CHECK_REFUSED(w, Error::access_denied,
                  netsh::add_excluded_port_range(w.host, app, Transport::tcp, PortBlock{6000, 10}));
    CHECK(netsh::add_excluded_port_range(w.host, app, Transport::tcp, PortBlock{6000, 10}) ==
          printed(Error::access_denied, "Access is denied.\n\n"));
    CHECK(netsh::add_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{6000, 0}) ==
          printed(Error::invalid_parameter, "The parameter is incorrect.\n\n"));
    CHECK(netsh::add_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{50059, 1}) ==
          printed(Error::sharing_violation,
                  "The process cannot access the file because it is being used by another "
                  "process.\n\n"));
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{1, 60, 0});
}

TEST_CASE("delete excludedportrange prints Ok. and removes the row") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    CHECK(netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, administered_block) ==
          printed(Error::ok, "Ok.\n\n"));
    CHECK(w.table(Transport::tcp) == table_header_tcp + table_footer);
}

TEST_CASE("delete excludedportrange prints the system message of its failure and changes nothing") {
    World w;
    w.persisted(Transport::tcp, administered_block);
    CHECK_REFUSED(w, Error::not_found,
                  netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{50000, 59}));
    CHECK(netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{50000, 59}) ==
          printed(Error::not_found, "Element not found.\n\n"));
    CHECK(netsh::delete_excluded_port_range(w.host, app, Transport::tcp, administered_block) ==
          printed(Error::access_denied, "Access is denied.\n\n"));
    CHECK(netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{0, 60}) ==
          printed(Error::invalid_parameter, "The parameter is incorrect.\n\n"));
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{1, 60, 0});
}

TEST_CASE("delete excludedportrange of a runtime block is ERROR_ACCESS_DENIED even as administrator") {
    World w;
    w.acquired(w.open(app, SocketKind::tcp), PortBlock{5357, 1});
    CHECK_REFUSED(w, Error::access_denied,
                  netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{5357, 1}));
    CHECK(netsh::delete_excluded_port_range(w.host, admin, Transport::tcp, PortBlock{5357, 1}) ==
          printed(Error::access_denied, "Access is denied.\n\n"));
}
