#include "runtime.hpp"

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <variant>

#include "wsrsim/backend.hpp"

#include <mstcpip.h>
#include <ws2ipdef.h>

namespace wsrsim::win32 {
namespace {

thread_local int thread_last_error = 0;

void report(const std::string& problem) {
    std::fprintf(stderr, "wsrsim-win32: %s\n", problem.c_str());
}

// The program's name as a trace name: a letter or '_', then letters, digits, '_', '-', '.'.
std::string program_name() {
    std::string name = program_invocation_short_name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
            c = '_';
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front())))
        name.insert(0, "_");
    return name;
}

// Lines of a pasted table that the importer or the host did not take.
void report(const std::string& path, const trace::ImportNote& note, std::string_view what) {
    report("WSRSIM_HOST=" + path + ':' + std::to_string(note.line) + ": " + std::string(what) +
           " '" + note.text + "': " + note.reason);
}

std::unique_ptr<Runtime> create_runtime() {
    auto read = read_setup([](const char* variable) { return std::getenv(variable); });
    if (const auto* problem = std::get_if<std::string>(&read)) {
        report(*problem);
        return nullptr;
    }
    const Setup& setup = std::get<Setup>(read);
    std::optional<trace::ImportedTables> imported;
    if (!setup.host_table.empty()) {
        auto tables = read_host_table(setup.host_table);
        if (const auto* problem = std::get_if<std::string>(&tables)) {
            report(*problem);
            return nullptr;
        }
        imported = std::move(std::get<trace::ImportedTables>(tables));
        for (const trace::ImportNote& skipped : imported->skipped)
            report(setup.host_table, skipped, "skipped");
    }
    std::unique_ptr<std::ostream> record;
    if (!setup.record_path.empty()) {
        record = std::make_unique<std::ofstream>(setup.record_path);
        if (!*record) {
            report("WSRSIM_RECORD=" + setup.record_path + ": cannot write there");
            return nullptr;
        }
    }
    auto runtime = std::make_unique<Runtime>(setup, imported ? &*imported : nullptr, std::move(record));
    // Only a processes cap the imported host has filled can keep the program's own process out.
    if (!runtime->host().process(runtime->pid())) {
        report("WSRSIM_LIMITS: processes=" + std::to_string(setup.host.limits.processes) +
               " leaves no room for the program's own process");
        return nullptr;
    }
    return runtime;
}

// Serves the netsh importer's requests on the host, each recorded as a trace
// line, so that a recorded trace recreates the imported host by itself.
class RecordingBackend final : public Backend {
public:
    RecordingBackend(Host& host, Recorder& recorder) : host_(host), recorder_(recorder) {}
    std::string_view name() const override { return "model"; }
    Outcome apply(const Request& request) override {
        const Outcome outcome = wsrsim::apply(host_, request);
        recorder_.request(request, outcome);
        return outcome;
    }

private:
    Host& host_;
    Recorder& recorder_;
};

std::uintptr_t key_of(WSAEVENT event) { return reinterpret_cast<std::uintptr_t>(event); }

// SOCKADDR_IN and SOCKADDR_IN6 keep the port at the same place.
constexpr std::size_t port_offset = offsetof(SOCKADDR_IN, sin_port);
static_assert(port_offset == offsetof(SOCKADDR_IN6, sin6_port));

Port port_in(const void* name) {
    USHORT port = 0;
    std::memcpy(&port, static_cast<const char*>(name) + port_offset, sizeof port);
    return ntohs(port);
}

void set_port(void* name, Port port) {
    const USHORT network_port = htons(port);
    std::memcpy(static_cast<char*>(name) + port_offset, &network_port, sizeof network_port);
}

}  // namespace

int last_error() { return thread_last_error; }
void set_last_error(int code) { thread_last_error = code; }

void write_reservation(void* output, const Outcome& outcome) {
    INET_PORT_RESERVATION_INSTANCE instance{};
    instance.Reservation.StartPort = htons(outcome.block.start);
    instance.Reservation.NumberOfPorts = outcome.block.count;
    instance.Token.Token = outcome.token;
    std::memcpy(output, &instance, sizeof instance);
}

DWORD bytes_of(Ioctl ioctl) {
    return ioctl == Ioctl::acquire ? sizeof(INET_PORT_RESERVATION_INSTANCE) : 0;
}

// ---- Runtime ------------------------------------------------------------------

Runtime::Runtime(const Setup& setup, const trace::ImportedTables* imported,
                 std::unique_ptr<std::ostream> record)
    : host_(setup.host), recorder_(host_, std::move(record)), name_(program_name()) {
    recorder_.start(setup);
    if (imported) {
        RecordingBackend backend(host_, recorder_);
        for (const trace::ImportNote& refused : trace::recreate_host(backend, *imported))
            report(setup.host_table, refused, "not recreated");
    }
    recorder_.process(pid_, setup.elevated, name_, host_.create_process(pid_, setup.elevated, name_));
}

bool Runtime::elevated() const {
    const auto process = host_.process(pid_);
    return process && process->elevated;
}

Error Runtime::use_process(Pid pid, bool elevated) {
    if (pid == 0) return Error::invalid_parameter;
    if (!host_.process(pid)) {
        const Error created = host_.create_process(pid, elevated, name_);
        recorder_.process(pid, elevated, name_, created);
        if (created != Error::ok) return created;  // past the processes cap
    }
    pid_ = pid;
    return Error::ok;
}

bool Runtime::require_open(SOCKET socket, std::string_view call) {
    if (sockets_.contains(socket)) return true;
    recorder_.refused(std::string(call) + ' ' + recorder_.socket_name(socket), WSAENOTSOCK);
    return false;
}

Outcome Runtime::open_socket(SocketKind kind, SocketOptions options) {
    const Outcome outcome = host_.open_socket(pid_, kind, options);
    if (outcome.ok()) sockets_.emplace(outcome.socket, SOCKADDR_STORAGE{});
    recorder_.socket(pid_, kind, options, outcome);
    return outcome;
}

Error Runtime::close_socket(SOCKET socket) {
    const Error error = host_.close_socket(socket);
    recorder_.close(socket, error);
    sockets_.erase(socket);
    deliver_completions();  // its pending requests, aborted
    return error;
}

void Runtime::close_all_sockets() {
    while (!sockets_.empty()) close_socket(sockets_.begin()->first);
}

Outcome Runtime::bind(SOCKET socket, const SOCKADDR* name, std::size_t name_size) {
    const Port port = port_in(name);
    const Outcome outcome = host_.bind(socket, port);
    recorder_.bind(socket, port, outcome);
    if (outcome.ok()) {
        SOCKADDR_STORAGE& bound = sockets_.at(socket);
        std::memcpy(&bound, name, name_size);
        set_port(&bound, outcome.port);
    }
    return outcome;
}

Outcome Runtime::getsockname(SOCKET socket, SOCKADDR_STORAGE& name) {
    const Outcome outcome = host_.getsockname(socket);
    recorder_.getsockname(socket, outcome);
    if (outcome.ok()) name = sockets_.at(socket);
    return outcome;
}

Outcome Runtime::ioctl(SOCKET socket, const IoctlRequest& request, const Completion* completion) {
    const IoMode mode = completion ? IoMode::overlapped : IoMode::sync;
    Outcome outcome;
    switch (request.ioctl) {
    case Ioctl::acquire:
        outcome = host_.acquire(socket, request.block, mode);
        recorder_.acquire(socket, request.block, outcome);
        break;
    case Ioctl::associate:
        outcome = host_.associate(socket, request.token, mode);
        recorder_.associate(socket, request.token, outcome);
        break;
    case Ioctl::release:
        outcome = host_.release(socket, request.token, mode);
        recorder_.release(socket, request.token, outcome);
        break;
    }
    if (outcome.error == Error::io_pending) {
        WSAOVERLAPPED& overlapped = *completion->overlapped;
        overlapped.Internal = STATUS_PENDING;
        overlapped.InternalHigh = 0;
        // Windows clears the event when the I/O starts; with a completion routine
        // hEvent belongs to the application, which may keep any value there.
        if (!completion->routine) set_event(overlapped.hEvent, false);
        pending_.push_back(
            PendingIoctl{outcome.request, request.ioctl, *completion, std::this_thread::get_id()});
        deliver_completions();  // with latency 0 it is done already
    }
    return outcome;
}

const PendingIoctl* Runtime::pending(const WSAOVERLAPPED* overlapped) const {
    for (const PendingIoctl& pending : pending_)
        if (pending.completion.overlapped == overlapped) return &pending;
    return nullptr;
}

void Runtime::wait(RequestId request) {
    host_.wait(request);
    deliver_completions();
}

void Runtime::advance_to(Nanos time) {
    host_.advance_to(time);
    deliver_completions();
}

bool Runtime::has_completion_calls(std::thread::id thread) const {
    const auto queued = completion_calls_.find(thread);
    return queued != completion_calls_.end() && !queued->second.empty();
}

std::vector<CompletionCall> Runtime::take_completion_calls(std::thread::id thread) {
    const auto queued = completion_calls_.find(thread);
    if (queued == completion_calls_.end()) return {};
    std::vector<CompletionCall> calls = std::move(queued->second);
    completion_calls_.erase(queued);
    return calls;
}

// Latency is one host setting, so requests complete in the order they were
// issued, which is the order of pending_; a close aborts its requests at once.
void Runtime::deliver_completions() {
    std::vector<PendingIoctl> still_pending;
    for (const PendingIoctl& pending : pending_) {
        const auto state = host_.request(pending.request);
        if (!state->done)
            still_pending.push_back(pending);
        else
            deliver(pending, state->outcome);
    }
    pending_ = std::move(still_pending);
}

void Runtime::deliver(const PendingIoctl& pending, const Outcome& outcome) {
    const Completion& completion = pending.completion;
    const DWORD bytes = outcome.ok() ? bytes_of(pending.ioctl) : 0;
    if (outcome.ok() && pending.ioctl == Ioctl::acquire)
        write_reservation(completion.output, outcome);
    completion.overlapped->Internal = static_cast<ULONG_PTR>(outcome.error);
    completion.overlapped->InternalHigh = bytes;
    if (completion.routine)
        completion_calls_[pending.issuer].push_back(CompletionCall{
            completion.routine, static_cast<DWORD>(outcome.error), bytes, completion.overlapped});
    else
        set_event(completion.overlapped->hEvent, true);
    recorder_.completed(pending.request, outcome);
    host_.forget(pending.request);
}

WSAEVENT Runtime::create_event() {
    last_event_ += 4;  // like Windows handles: multiples of 4
    events_.emplace(last_event_, false);
    return reinterpret_cast<WSAEVENT>(last_event_);
}

bool Runtime::close_event(WSAEVENT event) { return events_.erase(key_of(event)) != 0; }

bool Runtime::set_event(WSAEVENT event, bool signalled) {
    const auto found = events_.find(key_of(event));
    if (found == events_.end()) return false;
    found->second = signalled;
    return true;
}

std::optional<bool> Runtime::is_signalled(WSAEVENT event) const {
    const auto found = events_.find(key_of(event));
    if (found == events_.end()) return std::nullopt;
    return found->second;
}

// ---- Session ------------------------------------------------------------------

struct ProcessState {
    std::mutex mutex;
    std::unique_ptr<Runtime> runtime;  // created by the first call that needs the host
    bool unusable = false;             // the environment was read once, and found wrong
    int startups = 0;                  // WSAStartup calls not yet matched by WSACleanup
};

namespace {
ProcessState& process_state() {
    static ProcessState state;
    return state;
}
}  // namespace

Session::Session() : state_(process_state()), lock_(state_.mutex) {}

Runtime* Session::runtime() const { return state_.runtime.get(); }

Runtime* Session::runtime_or_create() {
    if (!state_.runtime && !state_.unusable) {
        state_.runtime = create_runtime();
        state_.unusable = !state_.runtime;
    }
    return state_.runtime.get();
}

Runtime* Session::winsock() const { return state_.startups > 0 ? runtime() : nullptr; }

void Session::startup() { ++state_.startups; }

bool Session::cleanup() { return --state_.startups == 0; }

}  // namespace wsrsim::win32
