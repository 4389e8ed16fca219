// SPDX-License-Identifier: MIT
// An agent's calls waiting for a reply: PendingCallModel on its own, and the inspector's Overview
// listing a real agent's unanswered call while the callee is held, then emptying after the reply.
#include "uitestutil.h"

#include <objectinspector.h>
#include <pendingcallmodel.h>

#include <durable/core/agent.h>
#include <durable/core/inspector.h>

#include <QAbstractItemModelTester>
#include <QGroupBox>
#include <QLabel>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;
using namespace DurableUiTest;

namespace {

// The callee: "work" waits inside its turn until the test lets it go, so the caller's call stays
// unanswered for as long as the test needs.
class Helper : public Agent
{
public:
    Helper() { handle("work", &Helper::work); }
    QJsonValue work(const QJsonValue &args)
    {
        entered.release();
        leave.acquire();
        return QStringLiteral("done: %1")
            .arg(args.toObject().value(QStringLiteral("task")).toString());
    }
    static inline QSemaphore entered {0};
    static inline QSemaphore leave {0};
};

// The caller: "ask" calls Helper/h durably; the reply lands in the state's "answer".
class Asker : public Agent
{
public:
    Asker()
    {
        handle("ask", &Asker::ask);
        continuation("onReply", &Asker::onReply);
    }
    QJsonValue ask(const QJsonValue &task)
    {
        return callObject(QStringLiteral("Helper"), QStringLiteral("h"), QStringLiteral("work"),
                          QJsonObject {{QStringLiteral("task"), task}}, QStringLiteral("onReply"),
                          QStringLiteral("ticket-7"));
    }
    void onReply(const QJsonValue &reply)
    {
        QJsonObject next = state();
        next.insert(QStringLiteral("answer"), reply.toObject().value(QStringLiteral("reply")));
        setState(next);
    }
};

constexpr int Workers = 2;

// The worker an object is pinned to (EngineCore::workerFor, as tst_objectcalls computes it): the
// held callee holds its worker, so the caller must live on the other one to be read meanwhile.
int workerOf(const QString &className, const QString &name)
{
    const QByteArray bytes = ObjectId::fromName(className, name).bytes();
    quint32 h = 0;
    for (int i = 0; i < 4; ++i)
        h = (h << 8) | quint8(bytes.at(i));
    return int(h % quint32(Workers));
}

QString callerNameOffTheHelpersWorker()
{
    for (int i = 0;; ++i) {
        const QString name = QStringLiteral("a%1").arg(i);
        if (workerOf(QStringLiteral("Asker"), name) != workerOf(QStringLiteral("Helper"), "h"))
            return name;
    }
}

struct Fixture
{
    QTemporaryDir dir;
    std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Inspector> inspector;
};

std::unique_ptr<Fixture> startEngine()
{
    auto f = std::make_unique<Fixture>();
    EngineOptions options;
    options.dataDir = f->dir.path();
    options.clock = f->clock;
    options.workerThreads = Workers;
    f->engine = std::make_unique<Engine>(options);
    registerTestClasses(*f->engine);
    if (auto ok = f->engine->registerClass<Helper>(QStringLiteral("Helper")); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = f->engine->registerClass<Asker>(QStringLiteral("Asker")); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = f->engine->start(); !ok)
        qFatal("engine did not start: %s", qPrintable(ok.error().message()));
    f->inspector = std::make_unique<Inspector>(f->engine.get());
    f->inspector->setFeedInterval(10);
    return f;
}

ObjectSummary summaryOf(const QString &className, const QString &name)
{
    ObjectSummary summary;
    summary.className = className;
    summary.name = name;
    summary.id = ObjectId::fromName(className, name);
    return summary;
}

OutgoingCallInfo callInfo(const QString &id, const QString &continuation, qint64 createdMs)
{
    OutgoingCallInfo call;
    call.id = id;
    call.className = QStringLiteral("Researcher");
    call.name = QStringLiteral("ai-") + id;
    call.targetId = ObjectId::fromName(call.className, call.name);
    call.method = QStringLiteral("research");
    call.args = QJsonObject {{QStringLiteral("topic"), QStringLiteral("ai")}};
    call.continuation = continuation;
    call.payload = id;
    call.createdMs = createdMs;
    return call;
}

} // namespace

class TestPendingCalls : public QObject
{
    Q_OBJECT
private slots:
    void modelListsCallsInTheOrderMade()
    {
        auto clock = std::make_shared<VirtualClock>();
        PendingCallModel model(clock.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 now = clock->nowMs();
        const OutgoingCallInfo first = callInfo(QStringLiteral("a"), QStringLiteral("onPart"),
                                                now - 90'000);
        const OutgoingCallInfo second = callInfo(QStringLiteral("b"), QString(), now - 5'000);
        model.setCalls({first, second});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(PendingCallModel::ColumnCount));
        QCOMPARE(model.index(0, PendingCallModel::CalleeColumn).data().toString(),
                 "Researcher/ai-a");
        QCOMPARE(model.index(0, PendingCallModel::MethodColumn).data().toString(), "research");
        QCOMPARE(model.index(0, PendingCallModel::ContinuationColumn).data().toString(), "onPart");
        QCOMPARE(model.index(0, PendingCallModel::AgeColumn).data().toString(), "1 min 30 s ago");
        QCOMPARE(model.index(0, PendingCallModel::ArgsColumn).data().toString(),
                 R"({"topic":"ai"})");
        QCOMPARE(model.index(0, 0).data(PendingCallModel::IdRole).toString(), "a");
        QCOMPARE(model.index(0, 0).data(PendingCallModel::CreatedRole).toLongLong(), now - 90'000);
        const QVariant payload = model.index(0, 0).data(PendingCallModel::PayloadRole);
        QCOMPARE(payload.value<QJsonValue>().toString(), "a");
        // sendTo stores no continuation: say so rather than show an empty cell.
        QCOMPARE(model.index(1, PendingCallModel::ContinuationColumn).data().toString(),
                 QStringLiteral("— (sendTo)"));
        const QVariant age = model.headerData(PendingCallModel::AgeColumn, Qt::Horizontal,
                                              Qt::DisplayRole);
        QCOMPARE(age.toString(), "Age");

        // The age ticks on with the clock.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        clock->advance(std::chrono::minutes(2));
        QTRY_VERIFY(changed.count() > 0);
        QCOMPARE(model.index(1, PendingCallModel::AgeColumn).data().toString(), "2 min 5 s ago");

        // The same calls again: updated in place (no reset), so a selection survives.
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setCalls({first, second});
        QCOMPARE(resets.count(), 0);
        model.setCalls({second}); // the first was answered
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.call(0).id, "b");
        QCOMPARE(model.call(5).id, QString());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void calleeTextFallsBackToTheId()
    {
        OutgoingCallInfo call = callInfo(QStringLiteral("x"), QString(), 0);
        call.name.clear();
        QCOMPARE(PendingCallModel::calleeText(call),
                 QStringLiteral("Researcher/") + call.targetId.toString().left(16));
    }

    void inspectorShowsAnAgentsCallUntilItsReplyRan()
    {
        auto f = startEngine();
        // Never leave the callee held: the engine could not stop.
        bool released = false;
        auto release = qScopeGuard([&released] {
            if (!released)
                Helper::leave.release();
        });
        ObjectInspector view(f->inspector.get(), f->clock.get());
        QAbstractItemModelTester tester(view.pendingCallModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.show();
        QCOMPARE(view.tabs()->currentIndex(), int(ObjectInspector::OverviewTab));

        const QString asker = callerNameOffTheHelpersWorker();
        QVERIFY(call(*f->engine, "Asker", asker, "ask", "summarise").ok());
        // QTRY_VERIFY evaluates its condition once more at the end: no side effect in it.
        QTRY_VERIFY(Helper::entered.available() > 0); // the callee holds the call
        Helper::entered.acquire();
        view.setObject(summaryOf("Asker", asker));
        PendingCallModel *model = view.pendingCallModel();
        QTRY_COMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, PendingCallModel::CalleeColumn).data().toString(), "Helper/h");
        QCOMPARE(model->index(0, PendingCallModel::MethodColumn).data().toString(), "work");
        QCOMPARE(model->index(0, PendingCallModel::ContinuationColumn).data().toString(),
                 "onReply");
        QCOMPARE(model->call(0).payload.toString(), "ticket-7");
        QVERIFY(view.pendingCallBox()->isVisibleTo(&view));
        QCOMPARE(view.pendingCallView()->model(), model);

        // Another object: the list empties at once; the agent's read never lands there.
        view.setObject(summaryOf("Helper", "h"));
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(!view.pendingCallBox()->isVisibleTo(&view));
        view.setObject(summaryOf("Asker", asker));
        QTRY_COMPARE(model->rowCount(), 1);

        // The callee answers: the reply runs on the caller as a turn, the feed refreshes the tab.
        Helper::leave.release();
        released = true;
        QTRY_COMPARE(model->rowCount(), 0);
        QVERIFY(!view.pendingCallBox()->isVisibleTo(&view));
        const auto state = awaitValue(
            f->inspector->agents().state("Asker", ObjectId::fromName("Asker", asker)));
        QVERIFY(state.ok());
        QCOMPARE(state.value().value("answer").toString(), "done: summarise");
    }
};

QTEST_MAIN(TestPendingCalls)
#include "tst_pendingcalls.moc"
