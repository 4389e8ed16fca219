// SPDX-License-Identifier: MIT
#include "callpump.h"

#include <durable/core/result.h>

#include <QMutex>
#include <QSemaphore>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>

namespace DurableBench {

namespace {

using Clock = std::chrono::steady_clock;

struct PumpState
{
    qint64 total = 0;
    CallPump::SpecFn spec;
    CallPump::CheckFn check;
    std::vector<qint64> latencyNs;
    std::atomic<qint64> next {0};
    std::atomic<qint64> completed {0};
    std::atomic<qint64> failures {0};
    QMutex failureMutex;
    QString firstFailure;
    QSemaphore finished;

    void fail(const QString &why)
    {
        if (failures.fetch_add(1) == 0) {
            QMutexLocker lock(&failureMutex);
            firstFailure = why;
        }
    }
};

// A refused call answers at once on the issuing thread; issuing its successor from inside
// that handler would recurse once per refused call. The trampoline turns it into a loop.
thread_local int t_issueDepth = 0;
thread_local int t_issueOwed = 0;

void issueOne(const std::shared_ptr<PumpState> &state);

void issueNext(const std::shared_ptr<PumpState> &state)
{
    if (t_issueDepth > 0) {
        ++t_issueOwed;
        return;
    }
    ++t_issueDepth;
    int owed = 1;
    while (owed > 0) {
        --owed;
        issueOne(state);
        owed += t_issueOwed;
        t_issueOwed = 0;
    }
    --t_issueDepth;
}

void issueOne(const std::shared_ptr<PumpState> &state)
{
    const qint64 index = state->next.fetch_add(1, std::memory_order_relaxed);
    if (index >= state->total)
        return;
    const CallSpec spec = state->spec(index);
    const Clock::time_point start = Clock::now();
    spec.stub.call(
        spec.method, spec.args, [state, index, start](const Durable::Result<QJsonValue> &reply) {
            state->latencyNs[size_t(index)] =
                std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
            if (!reply.ok()) {
                state->fail(
                    QStringLiteral("call %1 failed: %2").arg(index).arg(reply.error().message()));
            } else if (state->check) {
                const QString wrong = state->check(index, reply.value());
                if (!wrong.isEmpty())
                    state->fail(QStringLiteral("call %1: %2").arg(index).arg(wrong));
            }
            issueNext(state);
            if (state->completed.fetch_add(1, std::memory_order_acq_rel) + 1 == state->total)
                state->finished.release();
        });
}

} // namespace

double PumpOutcome::percentileMs(double q, qint64 from, qint64 to) const
{
    from = std::clamp<qint64>(from, 0, qint64(latencyNs.size()));
    to = std::clamp<qint64>(to, from, qint64(latencyNs.size()));
    if (from == to)
        return 0;
    std::vector<qint64> sorted(latencyNs.begin() + from, latencyNs.begin() + to);
    const size_t rank = std::min(sorted.size() - 1, size_t(q * double(sorted.size() - 1) + 0.5));
    std::nth_element(sorted.begin(), sorted.begin() + qsizetype(rank), sorted.end());
    return double(sorted[rank]) / 1e6;
}

PumpOutcome CallPump::run(qint64 total, int inFlight, SpecFn spec, CheckFn check,
                          int timeoutSeconds)
{
    auto state = std::make_shared<PumpState>();
    state->total = total;
    state->spec = std::move(spec);
    state->check = std::move(check);
    state->latencyNs.assign(size_t(total), 0);

    PumpOutcome outcome;
    const Clock::time_point start = Clock::now();
    if (total > 0) {
        for (int i = 0; i < inFlight; ++i)
            issueNext(state);
        outcome.finished = state->finished.tryAcquire(1, timeoutSeconds * 1000);
    } else {
        outcome.finished = true;
    }
    outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    outcome.calls = state->completed.load();
    outcome.failures = state->failures.load();
    {
        QMutexLocker lock(&state->failureMutex);
        outcome.firstFailure = state->firstFailure;
    }
    if (!outcome.finished) {
        outcome.firstFailure = QStringLiteral("timed out after %1 s with %2 of %3 calls answered")
                                   .arg(timeoutSeconds)
                                   .arg(outcome.calls)
                                   .arg(total);
        return outcome; // handlers may still touch state; it stays alive through their copies
    }
    outcome.latencyNs = std::move(state->latencyNs);
    return outcome;
}

} // namespace DurableBench
