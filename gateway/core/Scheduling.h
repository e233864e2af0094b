#pragma once

#include <optional>

namespace ar::scheduling {

// How the gateway's threads share a core (with the whole process pinned to one core, as a
// user may do and the benchmark does, they all do). Linux only; elsewhere, and on kernels
// that refuse a request, nothing changes and the calls return false.

// For a proxy thread: a short time slice (Linux 6.12+'s EEVDF custom slices). A request that
// wakes the thread then runs at once instead of waiting out the slice of whatever else holds
// the core (the ledger's writer mid-transaction, the window repainting): that wait was the
// tail of the latency at one connection. Its share of the core does not change.
// True when the kernel took it (read back: older kernels accept the call and ignore the slice).
bool preferLatency();
constexpr unsigned long long kProxySliceNs = 200'000;  // requests take 20-100 us of CPU; the default is ~3 ms

// For background work that may wait (the ledger's writer): SCHED_IDLE. It runs when nothing
// else wants the core, and a proxy thread that wakes takes the core from it at once. A
// SCHED_BATCH writer (its fair share, no wakeup preemption) kept a proxy thread waiting for up
// to a transaction: p99 at one connection 0.64 ms against 0.30 ms idle, same build, 8 rounds.
// Work that must not wait forever needs a way past that (the ledger's catch-up thread).
bool preferIdle();
// For background work that has fallen behind (the ledger's catch-up thread): SCHED_BATCH,
// which never preempts a running thread when it wakes, and still gets its fair share of the
// core. (An unprivileged thread cannot move itself back from SCHED_IDLE: hence two threads.)
bool preferThroughput();

// A thread's policy (SCHED_OTHER, SCHED_IDLE...) and requested slice (0: the default) as the
// kernel reports them; `tid` 0 is the calling thread. Nothing where it cannot be read.
struct ThreadSchedule {
    unsigned policy = 0;
    unsigned long long sliceNs = 0;
};
std::optional<ThreadSchedule> scheduleOf(int tid);

}  // namespace ar::scheduling
