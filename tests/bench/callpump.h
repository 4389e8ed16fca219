// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/stub.h>

#include <QJsonValue>
#include <QString>

#include <functional>
#include <vector>

namespace DurableBench {

// One call of a load: which stub, which method, which arguments.
struct CallSpec
{
    Durable::Stub stub;
    QString method;
    QJsonValue args;
};

// What a load did: every call's latency, and how many failed (an error reply or a reply the
// check refused), with the first failure's text.
struct PumpOutcome
{
    qint64 calls = 0;
    qint64 failures = 0;
    double seconds = 0;
    std::vector<qint64> latencyNs; // per call, by call index
    QString firstFailure;
    bool finished = false; // false when the load timed out

    double callsPerSecond() const { return seconds > 0 ? double(calls) / seconds : 0; }
    // Latency at quantile q (0..1) in milliseconds; sorts a copy.
    double percentileMs(double q) const { return percentileMs(q, 0, qint64(latencyNs.size())); }
    // The same over the calls with index in [from, to).
    double percentileMs(double q, qint64 from, qint64 to) const;
};

// Keeps a fixed number of calls in flight with the callback form of Stub::call: each reply
// handler (on a worker thread) issues the next call, so the harness adds one atomic increment
// and two clock reads per call. Blocks the calling thread until every call answered.
class CallPump
{
public:
    using SpecFn = std::function<CallSpec(qint64 index)>;
    // Returns an empty string when the reply is right, else what is wrong with it.
    using CheckFn = std::function<QString(qint64 index, const QJsonValue &reply)>;

    static PumpOutcome run(qint64 total, int inFlight, SpecFn spec, CheckFn check,
                           int timeoutSeconds = 1800);
};

} // namespace DurableBench
