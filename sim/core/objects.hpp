// The host's objects, each carrying the intrusive hooks of the indexes it sits in.
#pragma once

#include <boost/intrusive/list.hpp>
#include <boost/intrusive/set.hpp>
#include <boost/intrusive/slist_hook.hpp>

#include <optional>
#include <string>

#include "wsrsim/host.hpp"

namespace wsrsim::core {

namespace bi = boost::intrusive;

using SetHook = bi::set_member_hook<bi::link_mode<bi::normal_link>, bi::optimize_size<true>>;
using ListHook = bi::list_member_hook<bi::link_mode<bi::normal_link>>;
using HashHook = bi::slist_member_hook<bi::link_mode<bi::normal_link>>;  // a bucket of HashIndex

struct Socket;
struct Process;

struct Reservation {
    SetHook by_start;     // PortSpace::reservations_
    HashHook by_token;    // HostState::reservations_by_token
    ListHook on_socket;   // Socket::acquired (runtime only)
    Token token = invalid_token;
    PortBlock block;
    Transport transport = Transport::tcp;
    ReservationKind kind = ReservationKind::runtime;
    Pid owner = 0;                  // runtime only
    Socket* acquirer = nullptr;     // runtime only
};

enum class IoctlCode : std::uint8_t { acquire, associate, release };

// What an IOCTL asked for, kept with an overlapped request until it completes.
struct IoctlCall {
    IoctlCode code = IoctlCode::acquire;
    PortBlock block;               // acquire
    Token token = invalid_token;   // associate, release
};

struct DueKey {
    Nanos time;
    RequestId id;  // issue order breaks ties
    friend auto operator<=>(const DueKey&, const DueKey&) = default;
};

struct OverlappedRequest {
    HashHook by_id;      // HostState::requests
    SetHook by_due;      // HostState::due (pending only)
    ListHook on_socket;  // Socket::pending (pending only)
    DueKey due{};
    Socket* socket = nullptr;  // while pending
    IoctlCall call;
    bool done = false;
    bool forgotten = false;  // nobody will ask: the record goes when the request completes
    Outcome outcome;
};

template <class T, ListHook T::*hook>
using List = bi::list<T, bi::member_hook<T, ListHook, hook>, bi::constant_time_size<true>>;

struct Socket {
    HashHook by_handle;  // HostState::sockets
    SetHook by_port;     // PortSpace::bound_ (bound only)
    ListHook on_process; // Process::sockets
    List<Reservation, &Reservation::on_socket> acquired;
    List<OverlappedRequest, &OverlappedRequest::on_socket> pending;
    SocketHandle handle = no_socket;
    Process* process = nullptr;
    SocketKind kind = SocketKind::tcp;
    std::optional<Transport> transport;  // of its kind; none for a socket outside reservations
    SocketOptions options;
    Port port = 0;                  // 0 while unbound
    Token associated = invalid_token;  // stays set after the reservation goes (see decisions.hpp)
};

struct Process {
    HashHook by_pid;     // HostState::processes
    List<Socket, &Socket::on_process> sockets;
    Pid pid = 0;
    bool elevated = false;
    std::string name;
};

// Key extractors for the ordered indexes.
template <class T, class Key, Key (*get)(const T&)>
struct KeyOf {
    using type = Key;
    type operator()(const T& value) const { return get(value); }
};

inline Port reservation_start(const Reservation& r) { return r.block.start; }
inline Token reservation_token(const Reservation& r) { return r.token; }
inline Port socket_port(const Socket& s) { return s.port; }
inline SocketHandle socket_handle(const Socket& s) { return s.handle; }
inline Pid process_pid(const Process& p) { return p.pid; }
inline RequestId request_id(const OverlappedRequest& r) { return r.due.id; }
inline DueKey request_due(const OverlappedRequest& r) { return r.due; }

template <class T, SetHook T::*hook, class Key, Key (*get)(const T&)>
using IndexBy = bi::set<T, bi::member_hook<T, SetHook, hook>, bi::key_of_value<KeyOf<T, Key, get>>>;
template <class T, SetHook T::*hook, class Key, Key (*get)(const T&)>
using MultiIndexBy =
    bi::multiset<T, bi::member_hook<T, SetHook, hook>, bi::key_of_value<KeyOf<T, Key, get>>>;
using RequestsByDue = IndexBy<OverlappedRequest, &OverlappedRequest::by_due, DueKey, request_due>;

}  // namespace wsrsim::core
