// Importing pasted netsh output (SPEC §9 "Importing").
#include <doctest/doctest.h>

#include <sstream>

#include "replay_support.hpp"
#include "wsrsim/netsh.hpp"
#include "wsrsim/netsh_import.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;

namespace {

ImportedTables read_text(const std::string& text, Transport default_transport = Transport::tcp) {
    std::istringstream in(text);
    return read_netsh_tables(in, default_transport);
}

// The host the tables describe, made as `replay --host` makes it.
Host recreated(const ImportedTables& tables) {
    Host host;
    ModelBackend backend(host);
    const auto refused = recreate_host(backend, tables);
    CHECK(refused.empty());
    return host;
}

struct Row {
    Transport transport;
    Port start;
    std::uint32_t last;
    bool administered;
    friend bool operator==(const Row&, const Row&) = default;
};

std::vector<Row> rows_of(const ImportedTables& tables) {
    std::vector<Row> rows;
    for (const ImportedRow& row : tables.rows)
        rows.push_back(Row{row.transport, row.block.start, row.block.last(), row.administered});
    return rows;
}

const std::string hyperv_table =
    "\n"
    "Protocol tcp Port Exclusion Ranges\n"
    "\n"
    "Start Port    End Port\n"
    "----------    --------\n"
    "      1224        1323\n"
    "      1324        1423\n"
    "      5357        5357\n"
    "     50000       50059     *\n"
    "\n"
    "* - Administered port exclusions.\n"
    "\n";

const std::vector<Row> hyperv_rows{{Transport::tcp, 1224, 1323, false},
                                   {Transport::tcp, 1324, 1423, false},
                                   {Transport::tcp, 5357, 5357, false},
                                   {Transport::tcp, 50000, 50059, true}};

}  // namespace

TEST_CASE("a table as netsh prints it: every row, nothing but headings skipped") {
    const ImportedTables tables = read_text(hyperv_table);
    CHECK(rows_of(tables) == hyperv_rows);
    CHECK(tables.remarks.empty());
    REQUIRE(tables.skipped.size() == 3);  // the column headings, the dashes, the footer
    CHECK(tables.skipped[0].line == 4);
    CHECK(tables.skipped[0].reason == "a heading, footer or prompt");
}

TEST_CASE("importing a table and printing it again gives the same text") {
    const Host host = recreated(read_text(hyperv_table));
    CHECK(netsh::show_excluded_port_range(host, Transport::tcp) == hyperv_table);
}

TEST_CASE("a host's tables and dynamic ranges survive printing, importing and printing") {
    Host original;
    original.set_dynamic_range(Transport::udp, 1024, 64511);
    original.create_process(10, true, "admin");
    const SocketHandle tcp = original.open_socket(10, SocketKind::tcp).socket;
    const SocketHandle udp = original.open_socket(10, SocketKind::udp).socket;
    REQUIRE(original.acquire(tcp, PortBlock{0, 100}).ok());
    REQUIRE(original.acquire(tcp, PortBlock{80, 1}).ok());
    REQUIRE(original.acquire(udp, PortBlock{0, 100}).ok());
    REQUIRE(original.create_persistent(10, Transport::udp, PortBlock{3000, 5}).ok());
    REQUIRE(original.create_persistent(10, Transport::tcp, PortBlock{81, 1}, ReservationKind::active).ok());

    std::string pasted;
    for (Transport transport : all_transports)
        pasted += netsh::show_excluded_port_range(original, transport) + netsh::show_dynamic_port(original, transport);
    const ImportedTables tables = read_text(pasted);
    CHECK(tables.rows.size() == 5);
    const Host copy = recreated(tables);
    for (Transport transport : all_transports) {
        CHECK(netsh::show_excluded_port_range(copy, transport) == netsh::show_excluded_port_range(original, transport));
        CHECK(copy.dynamic_range(transport) == original.dynamic_range(transport));
    }
}

TEST_CASE("indentation, trailing spaces, CRLF and a shell prompt") {
    const ImportedTables tables = read_text(
        "PS C:\\WINDOWS\\system32> netsh int ipv4 show excludedportrange protocol=tcp\r\n"
        "\r\n"
        "    Protocol tcp Port Exclusion Ranges   \r\n"
        "\r\n"
        "    Start Port    End Port   \r\n"
        "    ----------    --------\r\n"
        "          1224        1323   \r\n"
        "\t     50000       50059     *   \r\n"
        "    * - Administered port exclusions.\r\n");
    CHECK(rows_of(tables) == std::vector<Row>{{Transport::tcp, 1224, 1323, false}, {Transport::tcp, 50000, 50059, true}});
    CHECK(tables.remarks.empty());
}

TEST_CASE("no title and no footer: the rows are tcp, or the protocol asked for") {
    const std::string bare = "      1224        1323\n     50000       50059     *\n";
    CHECK(rows_of(read_text(bare)) ==
          std::vector<Row>{{Transport::tcp, 1224, 1323, false}, {Transport::tcp, 50000, 50059, true}});
    CHECK(read_text(bare, Transport::udp).rows.front().transport == Transport::udp);
    CHECK(read_text(bare).skipped.empty());
}

TEST_CASE("localized headings: Spanish, Chinese, German") {
    const ImportedTables spanish = read_text(
        "\nProtocolo tcp Rangos de exclusión de puertos\n\n"
        "Puerto inicial    Puerto final\n"
        "--------------    ------------\n"
        "      1224        1323\n"
        "     50000       50059     *\n\n"
        "* - Exclusiones de puertos administradas.\n");
    CHECK(rows_of(spanish) == std::vector<Row>{{Transport::tcp, 1224, 1323, false}, {Transport::tcp, 50000, 50059, true}});

    const ImportedTables chinese = read_text(
        "\n协议 udp 端口排除范围\n\n"
        "开始端口    结束端口\n"
        "----------    --------\n"
        "      5353        5353\n\n"
        "* - 管理的端口排除。\n");
    CHECK(rows_of(chinese) == std::vector<Row>{{Transport::udp, 5353, 5353, false}});

    const ImportedTables german = read_text(
        "\nProtokoll tcp Portausschlussbereiche\n\n"
        "Startport    Endport\n"
        "----------    --------\n"
        "      2869        2869\n"
        "* - Verwaltete Portausschlüsse.\n");
    CHECK(rows_of(german) == std::vector<Row>{{Transport::tcp, 2869, 2869, false}});
}

TEST_CASE("remarks after a row: the row is read, the remark left out and listed") {
    const ImportedTables tables = read_text(
        "Protocol tcp Port Exclusion Ranges\n"
        "      1224        1323    <- Hyper-V took this\n"
        "     50000       50059     *   # mine\n"
        "      5357        5357     *(WSD)\n");
    CHECK(rows_of(tables) == std::vector<Row>{{Transport::tcp, 1224, 1323, false},
                                              {Transport::tcp, 50000, 50059, true},
                                              {Transport::tcp, 5357, 5357, true}});
    REQUIRE(tables.remarks.size() == 3);
    CHECK(tables.remarks[0].line == 2);
    CHECK(tables.remarks[0].text == "1224        1323    <- Hyper-V took this");
}

TEST_CASE("a table cut short: the broken last row is skipped and listed") {
    const ImportedTables mid_row = read_text(
        "Protocol tcp Port Exclusion Ranges\n"
        "      1224        1323\n"
        "      1324        14");
    CHECK(rows_of(mid_row) == std::vector<Row>{{Transport::tcp, 1224, 1323, false}});
    REQUIRE(mid_row.skipped.size() == 1);
    CHECK(mid_row.skipped[0].line == 3);
    CHECK(mid_row.skipped[0].reason == "the end port is below the start port (cut short?)");

    const ImportedTables one_number = read_text("      1224        1323\n      1324");
    REQUIRE(one_number.skipped.size() == 1);
    CHECK(one_number.skipped[0].reason == "only a start port: the row is cut short");
}

TEST_CASE("impossible and overlapping rows are skipped with their reason") {
    const ImportedTables tables = read_text(
        "      1224        1323\n"
        "      1300        1310\n"
        "     70000       70010\n"
        "         0          10\n"
        "      2000 to     2010\n");
    CHECK(tables.rows.size() == 1);
    REQUIRE(tables.skipped.size() == 4);
    CHECK(tables.skipped[0].reason == "overlaps the row on line 1");
    CHECK(tables.skipped[1].reason == "a port above 65535");
    CHECK(tables.skipped[2].reason == "port 0 does not exist");
    CHECK(tables.skipped[3].reason == "not a table row");
}

TEST_CASE("show dynamicport output sets the dynamic range, whatever the language") {
    const ImportedTables tables = read_text(
        "C:\\> netsh int ipv4 show dynamicport tcp\n\n"
        "Protocol tcp Dynamic Port Range\n"
        "---------------------------------\n"
        "Start Port      : 1024\n"
        "Number of Ports : 64511\n\n"
        "Protocolo udp Intervalo de puertos dinámicos\n"
        "Puerto de inicio   : 49152\n"
        "Número de puertos  : 16384\n"
        "协议 tcp 动态端口范围\n"
        "启动端口        ： 10000\n");
    REQUIRE(tables.dynamic_ranges.size() == 2);
    CHECK(tables.dynamic_ranges[0].transport == Transport::tcp);
    CHECK(tables.dynamic_ranges[0].range == DynamicRange{1024, 64511});
    CHECK(tables.dynamic_ranges[1].transport == Transport::udp);
    CHECK(tables.dynamic_ranges[1].range == DynamicRange{49152, 16384});
    REQUIRE(tables.skipped.size() == 2);  // the dashes and the start without a count
    CHECK(tables.skipped[1].line == 12);
    const Host host = recreated(tables);
    CHECK(host.dynamic_range(Transport::tcp) == DynamicRange{1024, 64511});
}

TEST_CASE("runtime rows belong to pid 4 System, each on a socket of its own") {
    const Host host = recreated(read_text(hyperv_table));
    const auto reservations = host.reservations(Transport::tcp);
    REQUIRE(reservations.size() == 4);
    CHECK(reservations[0].kind == ReservationKind::runtime);
    CHECK(reservations[0].owner == system_pid);
    CHECK(reservations[0].acquired_on != reservations[1].acquired_on);
    CHECK(reservations[3].kind == ReservationKind::persistent);
    CHECK(host.process(system_pid)->name == "System");
    CHECK(host.process(system_pid)->elevated);
}

TEST_CASE("what the host refuses is listed, the rest recreated") {
    const ImportedTables tables = read_text("Start Port : 100\nNumber of Ports : 10\n      1224        1323\n");
    Host host;
    ModelBackend backend(host);
    const auto refused = recreate_host(backend, tables);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].line == 2);
    CHECK(refused[0].reason == "refused by the host: ERROR_INVALID_PARAMETER");
    CHECK(host.reservations(Transport::tcp).size() == 1);
}

TEST_CASE("binary junk imports nothing and lists every line") {
    const ImportedTables tables = read_text(std::string("\x7f" "ELF\x02\x01\n\xff\xfe\x00\x01 2 3\n", 16));
    CHECK(tables.rows.empty());
    CHECK(tables.skipped.size() == 2);
}

TEST_CASE("a replay can start from an imported host") {
    const ImportedTables tables = read_text(hyperv_table);
    ModelHost model([&](Backend& backend) { recreate_host(backend, tables); });
    std::istringstream trace("process 3000 name=dev\nsocket 3000 web tcp\nbind web 1258 => WSAEACCES\n"
                             "bind web 50001 => ok port=50001\n");
    const ReplaySummary summary = replay(trace, model.factory(), ReplayOptions{});
    CHECK(summary.exit_code() == 0);
    CHECK(summary.peaks[0].reservations == 4);
}
