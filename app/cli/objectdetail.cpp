// SPDX-License-Identifier: MIT
#include "objectdetail.h"

#include "inspectionjson.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/error.h>
#include <durable/core/humanrequest.h>
#include <durable/core/inspector.h>
#include <durable/core/outgoingcallinfo.h>
#include <durable/core/scheduleinfo.h>

#include <QJsonArray>
#include <QMutex>
#include <QPromise>

#include <exception>
#include <memory>

namespace Durable::Cli {

namespace {

// Gathers the parts as their futures finish, on whichever threads finish them (so the CLI may
// wait on its own thread), and settles the promise once: with the whole detail, or with the
// first failure.
class DetailGatherer
{
public:
    DetailGatherer(int parts, QJsonObject detail, QJsonObject agent)
        : m_left(parts), m_detail(std::move(detail)), m_agent(std::move(agent))
    {
        m_promise.start();
    }

    QFuture<QJsonObject> future() { return m_promise.future(); }

    template<typename T, typename F>
    static void add(const std::shared_ptr<DetailGatherer> &self, QFuture<T> part, F store)
    {
        part.then(QtFuture::Launch::Sync, [self, store](QFuture<T> done) {
            QMutexLocker lock(&self->m_mutex);
            try {
                store(self->m_detail, self->m_agent, done.result());
                self->partDone();
            } catch (...) {
                self->fail(std::current_exception());
            }
        });
    }

private:
    void partDone()
    {
        if (m_settled || --m_left > 0)
            return;
        m_settled = true;
        const bool isAgent = !m_agent.value(QStringLiteral("state")).toObject().isEmpty() ||
                             !m_agent.value(QStringLiteral("step")).toString().isEmpty() ||
                             !m_agent.value(QStringLiteral("schedules")).toArray().isEmpty() ||
                             !m_agent.value(QStringLiteral("openRequests")).toArray().isEmpty() ||
                             !m_agent.value(QStringLiteral("pendingCalls")).toArray().isEmpty();
        m_detail.insert(QStringLiteral("agent"), isAgent ? QJsonValue(m_agent) : QJsonValue());
        m_promise.addResult(m_detail);
        m_promise.finish();
    }

    void fail(std::exception_ptr error)
    {
        if (m_settled)
            return;
        m_settled = true;
        m_promise.setException(error);
        m_promise.finish();
    }

    QMutex m_mutex;
    int m_left;
    bool m_settled = false;
    QJsonObject m_detail;
    QJsonObject m_agent;
    QPromise<QJsonObject> m_promise;
};

template<typename List>
QJsonArray toJsonArray(const List &items)
{
    QJsonArray array;
    for (const auto &item : items)
        array.append(item.toJson());
    return array;
}

} // namespace

QFuture<QJsonObject> ObjectDetail::read(Inspector *inspector, const ObjectSummary &summary)
{
    const QString cls = summary.className;
    const ObjectId id = summary.id;
    const AgentDirectory agents = inspector->agents();
    auto gatherer = std::make_shared<DetailGatherer>(
        6, QJsonObject {{QStringLiteral("object"), InspectionJson::objectSummary(summary)}},
        QJsonObject {{QStringLiteral("step"), summary.step}});
    DetailGatherer::add(gatherer, inspector->keyValues(cls, id),
                        [](QJsonObject &detail, QJsonObject &, const QList<KeyValue> &entries) {
                            QJsonObject kv;
                            for (const KeyValue &entry : entries)
                                kv.insert(entry.key, entry.value);
                            detail.insert(QStringLiteral("kv"), kv);
                        });
    DetailGatherer::add(
        gatherer, inspector->alarm(cls, id),
        [](QJsonObject &detail, QJsonObject &, const std::optional<AlarmSummary> &alarm) {
            detail.insert(QStringLiteral("alarm"),
                          alarm ? QJsonValue(InspectionJson::alarm(*alarm)) : QJsonValue());
        });
    DetailGatherer::add(gatherer, agents.state(cls, id),
                        [](QJsonObject &, QJsonObject &agent, const QJsonObject &state) {
                            agent.insert(QStringLiteral("state"), state);
                        });
    DetailGatherer::add(gatherer, agents.schedules(cls, id),
                        [](QJsonObject &, QJsonObject &agent, const QList<ScheduleInfo> &list) {
                            QJsonArray schedules;
                            for (const ScheduleInfo &schedule : list) {
                                QJsonObject json = schedule.toJson();
                                json.insert(QStringLiteral("due"),
                                            InspectionJson::time(schedule.dueMs));
                                schedules.append(json);
                            }
                            agent.insert(QStringLiteral("schedules"), schedules);
                        });
    DetailGatherer::add(gatherer, agents.humanRequests(cls, id, true),
                        [](QJsonObject &, QJsonObject &agent, const QList<HumanRequestInfo> &list) {
                            agent.insert(QStringLiteral("openRequests"), toJsonArray(list));
                        });
    DetailGatherer::add(gatherer, agents.pendingCalls(cls, id),
                        [](QJsonObject &, QJsonObject &agent, const QList<OutgoingCallInfo> &list) {
                            agent.insert(QStringLiteral("pendingCalls"), toJsonArray(list));
                        });
    return gatherer->future();
}

} // namespace Durable::Cli
