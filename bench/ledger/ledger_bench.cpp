// Pushes N finished requests through the real usage ledger (journal append on the calling
// thread, writer thread, SQLite file in a temp folder) and prints the process CPU time per row
// (every thread, kernel time included) and rows per second. Under callgrind the counters are
// zeroed right before the first row and dumped after the last commit, so the dump's total
// divided by N is the instructions per row. See bench/README.md.
#include <QCoreApplication>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>

#include "usage/Ledger.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(name)
#endif

namespace {

double seconds(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// What the proxy publishes for a plain chat completion through a key.
ar::RequestEvent finished(quint64 id, qint64 nowMs) {
    ar::RequestEvent e;
    e.kind = ar::RequestEvent::Kind::Finished;
    e.requestId = id;
    e.timestampMs = nowMs;
    e.method = QStringLiteral("POST");
    e.path = QStringLiteral("/v1/chat/completions");
    e.keyId = QStringLiteral("key_7f3a9c2e41b8");
    e.keyName = QStringLiteral("load");
    e.model = QStringLiteral("gpt-4o-mini");
    e.provider = QStringLiteral("openai");
    e.upstreamModel = QStringLiteral("gpt-4o-mini-2024-07-18");
    e.stream = id % 4 == 0;
    e.status = 200;
    e.attempts = 1;
    e.usage.promptTokens = 19 + qint64(id % 7);
    e.usage.completionTokens = 10;
    e.costMicros = 8;
    e.latencyMs = 3;
    e.ttfbMs = 2;
    return e;
}

int usage(const char* argv0) {
    std::fprintf(stderr,
                 "usage: %s [--rows N] [--rate ROWS_PER_S]\n"
                 "  --rows N    rows to record (default 50000)\n"
                 "  --rate R    record at about R rows/s in bursts of 16 (default: as fast as possible)\n",
                 argv0);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    long rows = 50'000;
    double rate = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) rows = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--rate") && i + 1 < argc) rate = std::atof(argv[++i]);
        else return usage(argv[0]);
    }
    if (rows <= 0 || rate < 0) return usage(argv[0]);

    QTemporaryDir dir;
    if (!dir.isValid()) return 1;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    double cpu = 0, wall = 0, recordCpu = 0;
    {
        auto ledger = std::make_unique<ar::Ledger>(dir.path());
        if (ar::Status s = ledger->open(); !s) {
            std::fprintf(stderr, "%s\n", qPrintable(s.error().message));
            return 1;
        }
        // Built up front: the event is the proxy's, not the ledger's cost.
        QList<ar::RequestEvent> events;
        events.reserve(16);
        for (int i = 0; i < 16; ++i) events.append(finished(quint64(i + 1), nowMs));

        CALLGRIND_ZERO_STATS;
        const double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
        const double thread0 = seconds(CLOCK_THREAD_CPUTIME_ID);
        constexpr int kBurst = 16;
        for (long n = 0; n < rows; ++n) {
            ar::RequestEvent& e = events[n % kBurst];
            e.requestId = quint64(n + 1);
            ledger->record(e);
            if (rate > 0 && (n + 1) % kBurst == 0) {
                const double due = wall0 + double(n + 1) / rate;
                const double left = due - seconds(CLOCK_MONOTONIC);
                if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double>(left));
            }
        }
        recordCpu = seconds(CLOCK_THREAD_CPUTIME_ID) - thread0;
        ledger.reset();  // commits everything queued: the measurement ends with the last commit
        cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        wall = seconds(CLOCK_MONOTONIC) - wall0;
        CALLGRIND_DUMP_STATS_AT("ledger_bench rows");
    }
    std::printf("rows %ld%s\n", rows, rate > 0 ? qPrintable(QStringLiteral(" at %1/s").arg(rate)) : "");
    std::printf("cpu/row      %8.2f us  (all threads, user+sys)\n", cpu / double(rows) * 1e6);
    std::printf("record/row   %8.2f us  (calling thread only: journal line + queue)\n",
                recordCpu / double(rows) * 1e6);
    std::printf("rows/s       %8.0f      (wall %.3f s, through the last commit)\n", double(rows) / wall, wall);
    return 0;
}
