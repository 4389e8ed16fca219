// SPDX-License-Identifier: MIT
#include "rateload.h"

#include <chrono>

namespace DurableBench {

RateLoad::RateLoad(std::vector<Durable::Stub> stubs, QString method, double callsPerSecond,
                   int maxInFlight)
    : m_stubs(std::move(stubs)), m_method(std::move(method)), m_rate(callsPerSecond),
      m_maxInFlight(maxInFlight)
{ }

RateLoad::~RateLoad()
{
    stop();
}

void RateLoad::start()
{
    if (m_running.exchange(true) || m_stubs.empty())
        return;
    m_thread = std::thread([this] { run(); });
}

void RateLoad::stop()
{
    m_running = false;
    if (m_thread.joinable())
        m_thread.join();
    while (m_inFlight.load() > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void RateLoad::run()
{
    using Clock = std::chrono::steady_clock;
    const Clock::time_point begin = Clock::now();
    qint64 issued = 0;
    while (m_running.load()) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
        const qint64 due = qint64(elapsed * m_rate);
        // Catch up in one go (bounded by the in-flight cap), then sleep a tick: the offered
        // rate stays exact on average without a thread spinning at 100 %.
        while (issued < due && m_inFlight.load() < m_maxInFlight) {
            const Durable::Stub &stub = m_stubs[size_t(issued % qint64(m_stubs.size()))];
            ++m_inFlight;
            stub.call(m_method, 1, [this](const Durable::Result<QJsonValue> &reply) {
                if (!reply)
                    ++m_failed;
                ++m_completed;
                --m_inFlight;
            });
            ++issued;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace DurableBench
