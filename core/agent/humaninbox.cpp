// SPDX-License-Identifier: MIT
#include "agentstore.h"
#include "engineaccess.h"
#include "enginecore.h"
#include "objecthost.h"
#include "querypool.h"
#include "recordingtap.h"
#include "strandcall.h"

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
        const auto it = std::find_if(
            stored.cbegin(), stored.cend(),
            [&hint](const HumanRequestInfo &r) { return r.requestId == hint.requestId; });
        Result<void> ok;
        if (objectMissing || it == stored.cend())
            ok = core.catalog().removeHumanRequestHint(hint.requestId);
        else if (it->status != HumanRequestStatus::Pending)
            ok = core.catalog().setHumanRequestHintStatus(hint.requestId,
                                                          humanRequestStatusName(it->status));
        if (!ok)
            qCWarning(lcInbox).noquote() << ok.error().message();
    }
}

// The request as the catalog indexes it: enough to reach its object. Pool thread.
Result<HumanRequestInfo> indexedRequest(EngineCore &core, const QString &requestId)
{
    const Result<Catalog::HumanRequestHint> hint = core.catalog().humanRequestHint(requestId);
    if (!hint) {
        if (hint.error().code() != ErrorCode::NotFound)
            return hint.error();
        return Error(
                   ErrorCode::NotFound,
                   QStringLiteral("Unknown human request \"%1\": no agent asked it").arg(requestId))
            .withContext(QStringLiteral("requestId"), requestId);
    }
    const Result<ObjectId> id = ObjectId::fromString(hint->objectId);
    if (!id)
        return id.error();
    HumanRequestInfo request;
    request.requestId = requestId;
    request.objectId = id.value();
    request.className = hint->className;
    request.objectName = hint->name;
    request.title = hint->title;
    return request;
}

} // namespace

HumanInbox::HumanInbox(Engine *engine)
    : HumanInbox(EngineAccess::core(engine), EngineAccess::recordingTap(engine))
{ }

HumanInbox::HumanInbox(std::shared_ptr<EngineCore> core, std::shared_ptr<RecordingTap> tap)
    : m_core(std::move(core)), m_tap(std::move(tap))
{ }

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
        const Result<QList<Catalog::HumanRequestHint>> hints = core->catalog().humanRequestHints(
            className, QStringLiteral("pending"));
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
                // A damaged entry cannot be answered: it goes. One of a class this engine does
                // not have (its package not loaded) is left for the engine that has it.
                if (!id)
                    reconcile(*core, objectHints, {}, true);
                QMutexLocker lock(&listing->mutex);
                listing->finishOne();
                continue;
            }
            StrandCall call;
            call.owner = QStringLiteral("A human inbox");
            call.className = first.className;
            call.id = id.value();
            call.name = first.name;
            callOnStrand<QList<HumanRequestInfo>>(
                core, call, [](ObjectHost &host) { return AgentStore::humanRequests(host, false); },
                [core, listing, objectHints](Result<QList<HumanRequestInfo>> stored) {
                    const bool missing = !stored.ok() &&
                                         stored.error().code() == ErrorCode::NotFound;
                    if (stored.ok() || missing)
                        reconcile(*core, objectHints, stored.valueOr({}), missing);
                    else
                        qCWarning(lcInbox).noquote()
                            << "Could not re-check human requests:" << stored.error().message();
                    QMutexLocker lock(&listing->mutex);
                    if (stored.ok()) {
                        for (const HumanRequestInfo &info : std::as_const(stored.value())) {
                            if (info.status == HumanRequestStatus::Pending)
                                listing->requests.append(info);
                        }
                    }
                    listing->finishOne();
                });
        }
        QMutexLocker lock(&listing->mutex);
        listing->finishOne();
    });
    return future;
}

QFuture<QJsonValue> HumanInbox::answer(const HumanRequestInfo &request,
                                       const HumanResponse &response) const
{
    if (request.requestId.isEmpty() || request.objectId.isNull()) {
        return failedFuture<QJsonValue>(Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Cannot answer a human request that names no request or no object")));
    }
    const std::shared_ptr<OperationRecorder> recorder = m_tap ? m_tap->recorder() : nullptr;
    const int token = recorder ? recorder->answerIssued(request.requestId, response.toJson()) : -1;
    if (recorder) {
        recorder->answerTargeted(token, request.className, request.objectName, request.objectId,
                                 request.title);
    }
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    QFuture<QJsonValue> future = promise->future();
    deliver(request, response, recorder, token, promise);
    return future;
}

QFuture<QJsonValue> HumanInbox::answer(const QString &requestId,
                                       const HumanResponse &response) const
{
    if (!m_core) {
        return failedFuture<QJsonValue>(
            Error(ErrorCode::InvalidArgument, QStringLiteral("A human inbox without an engine")));
    }
    std::shared_ptr<EngineCore> core = m_core;
    // Recorded in the order answers are given; the object and title follow from the index.
    const std::shared_ptr<OperationRecorder> recorder = m_tap ? m_tap->recorder() : nullptr;
    const int token = recorder ? recorder->answerIssued(requestId, response.toJson()) : -1;
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    QFuture<QJsonValue> future = promise->future();
    const HumanInbox inbox = *this; // a handle: the caller's may be gone when the lookup ends
    queryPool()->start([inbox, core, requestId, response, promise, recorder, token] {
        const Result<HumanRequestInfo> request = indexedRequest(*core, requestId);
        if (!request) {
            fulfil<QJsonValue>(*promise, request.error());
            return;
        }
        if (recorder) {
            recorder->answerTargeted(token, request->className, request->objectName,
                                     request->objectId, request->title);
        }
        inbox.deliver(request.value(), response, recorder, token, promise);
    });
    return future;
}

// The object, which holds the request, is the one to check it (pending, allowed action,
// schema). A member, as only the inbox may hand an agent its answer.
void HumanInbox::deliver(const HumanRequestInfo &request, const HumanResponse &response,
                         const std::shared_ptr<OperationRecorder> &recorder, int token,
                         const std::shared_ptr<QPromise<QJsonValue>> &promise) const
{
    const QString requestId = request.requestId;
    StrandCall call;
    call.kind = StrandCall::Kind::Turn;
    call.owner = QStringLiteral("A human inbox");
    call.className = request.className;
    call.id = request.objectId;
    call.name = request.objectName;
    call.trigger = QStringLiteral("human-answer");
    call.method = QStringLiteral("answer");
    call.args = QJsonObject {{QStringLiteral("requestId"), requestId},
                             {QStringLiteral("response"), response.toJson()}};
    callOnStrand<QJsonValue>(
        m_core, call,
        [requestId, response](ObjectHost &host) -> QJsonValue {
            auto *agent = dynamic_cast<Agent *>(&host.instance());
            if (!agent) {
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 is not an agent; it cannot answer human request %2")
                                .arg(host.label(), requestId));
            }
            return agent->deliverHumanAnswer(requestId, response);
        },
        [promise, recorder, token](Result<QJsonValue> result) {
            if (recorder)
                recorder->answerFinished(token, result);
            // The index learnt of the answer from the turn's gate before this reply left.
            fulfil(*promise, std::move(result));
        },
        [](const QJsonValue &output) { return output; });
}

} // namespace Durable
