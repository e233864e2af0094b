#include "core/Scheduling.h"

#ifdef __linux__
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#endif

namespace ar::scheduling {

#ifdef __linux__
namespace {

// The kernel's struct sched_attr (glibc 2.36 has no wrapper).
struct SchedAttr {
    uint32_t size;
    uint32_t policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime;  // SCHED_OTHER / SCHED_BATCH / SCHED_IDLE: the requested slice, in ns
    uint64_t deadline;
    uint64_t period;
};

bool setAttr(uint32_t policy, uint64_t sliceNs) {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.policy = policy;
    attr.runtime = sliceNs;
    return syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

}  // namespace

std::optional<ThreadSchedule> scheduleOf(int tid) {
    SchedAttr attr{};
    if (syscall(SYS_sched_getattr, tid, &attr, sizeof attr, 0) != 0) return std::nullopt;
    return ThreadSchedule{attr.policy, attr.runtime};
}

bool preferLatency() {
    if (!setAttr(SCHED_OTHER, kProxySliceNs)) return false;
    const auto now = scheduleOf(0);
    return now && now->sliceNs == kProxySliceNs;
}

bool preferIdle() { return setAttr(SCHED_IDLE, 0); }

bool preferThroughput() { return setAttr(SCHED_BATCH, 0); }

#else

std::optional<ThreadSchedule> scheduleOf(int) { return std::nullopt; }
bool preferLatency() { return false; }
bool preferIdle() { return false; }
bool preferThroughput() { return false; }

#endif

}  // namespace ar::scheduling
