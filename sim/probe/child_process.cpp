#include "child_process.hpp"

#include <cstddef>
#include <iostream>
#include <string>
#include <vector>

namespace wsrsim::probe {
namespace {

// How long an ended child may take to exit before it is terminated.
constexpr DWORD exit_wait_ms = 10'000;

Error last_error() { return static_cast<Error>(GetLastError()); }

// The whole record or false: the other end is gone.
template <class Record>
bool write_record(HANDLE pipe, const Record& record) {
    DWORD written = 0;
    return WriteFile(pipe, &record, sizeof record, &written, nullptr) && written == sizeof record;
}

template <class Record>
bool read_record(HANDLE pipe, Record& record) {
    auto* bytes = reinterpret_cast<char*>(&record);
    DWORD left = sizeof record;
    while (left > 0) {  // a pipe may hand a record over in pieces
        DWORD read = 0;
        if (!ReadFile(pipe, bytes, left, &read, nullptr) || read == 0) return false;
        bytes += read;
        left -= read;
    }
    return true;
}

struct Pipe {
    UniqueHandle read;
    UniqueHandle write;
};

Error make_pipe(Pipe& pipe) {
    HANDLE read = nullptr;
    HANDLE write = nullptr;
    if (!CreatePipe(&read, &write, nullptr, 0)) return last_error();
    pipe.read.reset(read);
    pipe.write.reset(write);
    return Error::ok;
}

// The full path of the running probe.
Error own_path(std::wstring& path) {
    path.resize(32'768);  // the longest path Windows has
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return last_error();
    path.resize(length);
    return Error::ok;
}

// What UAC gives an administrator's unelevated programs, made from the probe's own
// token: Administrators kept only to deny access, no privilege but the one every
// user has, medium integrity.
Error make_unelevated_token(UniqueHandle& token) {
    HANDLE own = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(),
                          TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY | TOKEN_ADJUST_DEFAULT, &own))
        return last_error();
    const UniqueHandle own_token(own);
    BYTE administrators[SECURITY_MAX_SID_SIZE];
    DWORD administrators_size = sizeof administrators;
    BYTE medium[SECURITY_MAX_SID_SIZE];
    DWORD medium_size = sizeof medium;
    if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, administrators, &administrators_size) ||
        !CreateWellKnownSid(WinMediumLabelSid, nullptr, medium, &medium_size))
        return last_error();
    SID_AND_ATTRIBUTES deny_only{administrators, 0};
    HANDLE restricted = nullptr;
    if (!CreateRestrictedToken(own, DISABLE_MAX_PRIVILEGE, 1, &deny_only, 0, nullptr, 0, nullptr, &restricted))
        return last_error();
    token.reset(restricted);
    TOKEN_MANDATORY_LABEL label{{medium, SE_GROUP_INTEGRITY}};
    if (!SetTokenInformation(restricted, TokenIntegrityLevel, &label, sizeof label + medium_size))
        return last_error();
    return Error::ok;
}

// Starts the probe in serve mode with `input` and `output` as its standard input
// and output, and no other handle of the probe's: the attribute list names the
// only ones it inherits. A null token is the probe's own.
Error create_child(HANDLE token, HANDLE input, HANDLE output, PROCESS_INFORMATION& created) {
    std::wstring path;
    if (const Error error = own_path(path); error != Error::ok) return error;
    std::wstring command = L'"' + path + L"\" --serve";
    HANDLE inherited[] = {input, output};
    for (const HANDLE handle : inherited)
        if (!SetHandleInformation(handle, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) return last_error();
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(nullptr, 1, 0, &size);  // only asks the size
    std::vector<std::byte> storage(size);
    const auto attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage.data());
    if (!InitializeProcThreadAttributeList(attributes, 1, 0, &size)) return last_error();
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = input;
    startup.StartupInfo.hStdOutput = output;
    startup.lpAttributeList = attributes;
    // No console of its own: the child speaks only through its pipes.
    constexpr DWORD flags = EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW;
    const bool started = UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited,
                                                   sizeof inherited, nullptr, nullptr) &&
                         CreateProcessAsUserW(token, path.c_str(), command.data(), nullptr, nullptr, TRUE, flags,
                                              nullptr, nullptr, &startup.StartupInfo, &created);
    const Error error = started ? Error::ok : last_error();
    DeleteProcThreadAttributeList(attributes);
    return error;
}

}  // namespace

Error ChildProcess::start(bool unelevated) {
    UniqueHandle token;
    if (unelevated)
        if (const Error error = make_unelevated_token(token); error != Error::ok) return error;
    Pipe input;   // the child's standard input
    Pipe output;  // the child's standard output
    if (const Error error = make_pipe(input); error != Error::ok) return error;
    if (const Error error = make_pipe(output); error != Error::ok) return error;
    PROCESS_INFORMATION created{};
    if (const Error error = create_child(token.get(), input.read.get(), output.write.get(), created);
        error != Error::ok)
        return error;
    CloseHandle(created.hThread);
    process_.reset(created.hProcess);
    to_child_ = std::move(input.write);
    from_child_ = std::move(output.read);
    // The child now holds the only copies of its ends, so its death breaks the pipes
    // instead of leaving a read here waiting forever.
    input.read.reset();
    output.write.reset();
    Outcome ready;
    if (!read_record(from_child_.get(), ready)) return broken_pipe;
    return ready.error;
}

Outcome ChildProcess::call(const ProcessRequest& request) {
    Outcome outcome;
    if (!broken_ && write_record(to_child_.get(), request) && read_record(from_child_.get(), outcome))
        return outcome;
    if (!broken_)
        std::cerr << "wsrsim-probe: process " << pid_ << " no longer answers (broken pipe): its requests answer "
                  << static_cast<unsigned>(broken_pipe) << " (ERROR_BROKEN_PIPE)\n";
    broken_ = true;
    return failure(broken_pipe);
}

ChildProcess::~ChildProcess() {
    if (!process_) return;
    to_child_.reset();  // the end of its input: the serve loop returns
    if (WaitForSingleObject(process_.get(), exit_wait_ms) == WAIT_OBJECT_0) return;
    std::cerr << "wsrsim-probe: process " << pid_ << " did not exit within " << exit_wait_ms / 1000
              << " s of its end: terminated\n";
    TerminateProcess(process_.get(), 1);
    WaitForSingleObject(process_.get(), exit_wait_ms);
}

int serve_parent() {
    const HANDLE requests = GetStdHandle(STD_INPUT_HANDLE);
    const HANDLE replies = GetStdHandle(STD_OUTPUT_HANDLE);
    WinsockProcess process;
    if (!write_record(replies, failure(process.startup_error()))) return 1;
    ProcessRequest request;
    while (read_record(requests, request))
        if (!write_record(replies, process.serve(request))) return 1;
    return 0;  // the parent ended this process
}

bool running_elevated() {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    const UniqueHandle own_token(token);
    TOKEN_ELEVATION elevation{};
    DWORD size = 0;
    return GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size) &&
           elevation.TokenIsElevated;
}

}  // namespace wsrsim::probe
