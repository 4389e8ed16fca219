// SPDX-License-Identifier: MIT
#include "agentstore.h"
#include "engineaccess.h"
#include "enginecore.h"
#include "objecthost.h"
#include "querypool.h"
#include "recordingtap.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QPromise>
#include <QThreadPool>
#include <algorithm>
#include <durable/core/agent.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/operationrecorder.h>

Q_LOGGING_CATEGORY(lcInbox, "durable.core.inbox")

namespace Durable {

namespace {

    // Collects the re-checked requests of every object of a listing.
    struct PendingListing
    {
        QMutex mutex;
        int remaining = 0;
        QList<HumanRequestInfo> requests;
        QPromise<QList<HumanRequestInfo>> promise;

        void finishOne()
        {
            // Caller holds mutex.
            if (--remaining > 0)
                return;
            std::sort(requests.begin(), requests.end(),
                [](const HumanRequestInfo &a, const HumanRequestInfo &b) {
                    if (a.createdMs != b.createdMs)
                        return a.createdMs < b.createdMs;
                    return a.requestId < b.requestId;
                });
            promise.addResult(requests);
            promise.finish();
        }
    };

    // The object's word on the indexed requests: stale entries (a turn that never committed, or
    // a request that expired or was answered without the index hearing of it) are fixed up.
    void reconcile(EngineCore &core, const QList<Catalog::HumanRequestHint> &hints,
        const QList<HumanRequestInfo> &stored, bool objectMissing)
    {
        for (const Catalog::HumanRequestHint &hint : hints) {
            const auto it = std::find_if(stored.cbegin(), stored.cend(),
                [&hint](const HumanRequestInfo &r) { return r.requestId == hint.requestId; });
            Result<void> ok;
            if (objectMissing || it == stored.cend())
                ok = core.catalog().removeHumanRequestHint(hint.requestId);
            else if (it->status != HumanRequestStatus::Pending)
                ok = core.catalog().setHumanRequestHintStatus(
                    hint.requestId, humanRequestStatusName(it->status));
            if (!ok)
                qCWarning(lcInbox).noquote() << ok.error().message();
        }
    }

} // namespace

HumanInbox::HumanInbox(Engine *engine)
    : HumanInbox(EngineAccess::core(engine), EngineAccess::recordingTap(engine))
{
}

HumanInbox::HumanInbox(std::shared_ptr<EngineCore> core, std::shared_ptr<RecordingTap> tap)
    : m_core(std::move(core)), m_tap(std::move(tap))
{
}

QFuture<QList<HumanRequestInfo>> HumanInbox::pending(const QString &className) const
{
    auto listing = std::make_shared<PendingListing>();
    listing->promise.start();
    QFuture<QList<HumanRequestInfo>> future = listing->promise.future();
    if (!m_core) {
        listing->promise.setException(
            Error(ErrorCode::InvalidArgument, QStringLiteral("A human inbox without an engine")));
        listing->promise.finish();
        return future;
    }
    std::shared_ptr<EngineCore> core = m_core;
    queryPool()->start([core, className, listing] {
        const Result<QList<Catalog::HumanRequestHint>> hints =
            core->catalog().humanRequestHints(className, QStringLiteral("pending"));
        if (!hints) {
            listing->promise.setException(hints.error());
            listing->promise.finish();
            return;
        }
        // One read per object, on its strand.
        QHash<QString, QList<Catalog::HumanRequestHint>> byObject;
        QStringList order;
        for (const Catalog::HumanRequestHint &hint : hints.value()) {
            if (!byObject.contains(hint.objectId))
                order.append(hint.objectId);
            byObject[hint.objectId].append(hint);
        }
        {
            QMutexLocker lock(&listing->mutex);
            listing->remaining = int(order.size()) + 1; // +1: this dispatch loop
        }
        for (const QString &objectId : std::as_const(order)) {
            const QList<Catalog::HumanRequestHint> objectHints = byObject.value(objectId);
            const Catalog::HumanRequestHint &first = objectHints.first();
            const Result<ObjectId> id = ObjectId::fromString(objectId);
            if (!id || !core->classInfo(first.className)) {
                // Not an object of this engine (any more): the entries cannot be answered.
                reconcile(*core, objectHints, {}, true);
                QMutexLocker lock(&listing->mutex);
                listing->finishOne();
                continue;
            }
            auto stored = std::make_shared<QList<HumanRequestInfo>>();
            Turn turn;
            turn.kind = Turn::Kind::Task;
            turn.inspection = true;
            turn.trigger = QStringLiteral("inspect");
            turn.task = [stored](ObjectHost &host) -> QJsonValue {
                *stored = AgentStore::humanRequests(host, false);
                return true;
            };
            turn.reply = [core, listing, objectHints, stored](const Result<QJsonValue> &result) {
                const bool missing = !result.ok() && result.error().code() == ErrorCode::NotFound;
                if (result.ok() || missing)
                    reconcile(*core, objectHints, *stored, missing);
                else
                    qCWarning(lcInbox).noquote()
                        << "Could not re-check human requests:" << result.error().message();
                QMutexLocker lock(&listing->mutex);
                if (result.ok()) {
                    for (const HumanRequestInfo &info : std::as_const(*stored)) {
                        if (info.status == HumanRequestStatus::Pending)
                            listing->requests.append(info);
                    }
                }
                listing->finishOne();
            };
            core->dispatch(first.className, id.value(), first.name, std::move(turn));
        }
        QMutexLocker lock(&listing->mutex);
        listing->finishOne();
    });
    return future;
}

QFuture<QJsonValue> HumanInbox::answer(
    const QString &requestId, const HumanResponse &response) const
{
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    QFuture<QJsonValue> future = promise->future();
    const auto fail = [promise](const Error &error) {
        promise->setException(error);
        promise->finish();
    };
    if (!m_core) {
        fail(Error(ErrorCode::InvalidArgument, QStringLiteral("A human inbox without an engine")));
        return future;
    }
    std::shared_ptr<EngineCore> core = m_core;
    // Recorded in the order answers are given; the object and title follow from the index.
    const std::shared_ptr<OperationRecorder> recorder = m_tap ? m_tap->recorder() : nullptr;
    const int token = recorder ? recorder->answerIssued(requestId, response.toJson()) : -1;
    queryPool()->start([core, requestId, response, promise, fail, recorder, token] {
        const Result<Catalog::HumanRequestHint> hint = core->catalog().humanRequestHint(requestId);
        if (!hint) {
            fail(hint.error().code() == ErrorCode::NotFound
                    ? Error(ErrorCode::NotFound,
                        QStringLiteral("Unknown human request \"%1\": no agent asked it")
                            .arg(requestId))
                          .withContext(QStringLiteral("requestId"), requestId)
                    : hint.error());
            return;
        }
        const Result<ObjectId> id = ObjectId::fromString(hint->objectId);
        if (!id) {
            fail(id.error());
            return;
        }
        if (recorder)
            recorder->answerTargeted(token, hint->className, hint->name, id.value(), hint->title);
        Turn turn;
        turn.kind = Turn::Kind::Task;
        turn.trigger = QStringLiteral("human-answer");
        turn.method = QStringLiteral("answer");
        turn.args = QJsonObject { { QStringLiteral("requestId"), requestId },
            { QStringLiteral("response"), response.toJson() } };
        turn.task = [requestId, response](ObjectHost &host) -> QJsonValue {
            auto *agent = dynamic_cast<Agent *>(&host.instance());
            if (!agent) {
                throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is not an agent; it cannot answer human request %2")
                        .arg(host.label(), requestId));
            }
            return agent->deliverHumanAnswer(requestId, response);
        };
        turn.reply = [core, requestId, promise, recorder, token](const Result<QJsonValue> &result) {
            if (recorder)
                recorder->answerFinished(token, result);
            // The index learnt of the answer from the turn's gate before this reply left.
            if (result.ok()) {
                promise->addResult(result.value());
            } else {
                promise->setException(result.error());
            }
            promise->finish();
        };
        core->dispatch(hint->className, id.value(), hint->name, std::move(turn));
    });
    return future;
}

} // namespace Durable
