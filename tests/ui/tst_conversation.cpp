// SPDX-License-Identifier: MIT
// The Conversation tab (ModelCallModel, ConversationView) with the recruitment agent on a virtual
// clock: the screening call labelled as scripted with its tokens; a call whose model has not
// answered yet shown as pending until the clock passes the reply's delay; tool calls, tool
// results and a cassette replay rendered in the detail pane.
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <conversationview.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/scriptedchatmodel.h>
#include <durable/core/virtualclock.h>
#include <examples/examples.h>
#include <memory>
#include <modelcallmodel.h>
#include <objectinspector.h>

using namespace Durable;
using namespace Durable::Ui;
using namespace DurableTest;

namespace {

const qint64 s_replyDelayMs = 3600'000;

struct Fixture
{
    QTemporaryDir dir;
    std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Inspector> inspector;
};

// The recruitment rules with every reply held back by delayMs on the engine's clock.
QJsonObject delayedRecruitmentRules(qint64 delayMs)
{
    QJsonObject rules = DurableExamples::exampleRules(QStringLiteral("recruitment"));
    QJsonArray list = rules.value(QStringLiteral("rules")).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        QJsonObject rule = list.at(i).toObject();
        rule.insert(QStringLiteral("delayMs"), double(delayMs));
        list[i] = rule;
    }
    rules.insert(QStringLiteral("rules"), list);
    return rules;
}

std::unique_ptr<Fixture> startEngine(qint64 replyDelayMs = 0)
{
    auto f = std::make_unique<Fixture>();
    EngineOptions options;
    options.dataDir = f->dir.path();
    options.clock = f->clock;
    if (replyDelayMs > 0) {
        options.modelProvider = [replyDelayMs](Clock *clock) -> std::unique_ptr<ChatModel> {
            return ScriptedChatModel::fromJson(delayedRecruitmentRules(replyDelayMs), clock)
                .value();
        };
    }
    f->engine = std::make_unique<Engine>(options);
    DurableExamples::registerExampleClasses(*f->engine);
    if (auto ok = f->engine->start(); !ok)
        qFatal("engine did not start: %s", qPrintable(ok.error().message()));
    f->inspector = std::make_unique<Inspector>(f->engine.get());
    f->inspector->setFeedInterval(50);
    return f;
}

bool submit(Engine &engine, const QString &name)
{
    const QJsonObject resume {{QStringLiteral("candidate"), name},
                              {QStringLiteral("role"), QStringLiteral("Engineer")},
                              {QStringLiteral("resume"), QStringLiteral("Writes C++ and Qt.")}};
    return call(engine, QStringLiteral("Recruitment"), name, QStringLiteral("submitResume"), resume)
        .ok();
}

ObjectId recruitmentId(const QString &name)
{
    return ObjectId::fromName(QStringLiteral("Recruitment"), name);
}

} // namespace

class TestConversation : public QObject
{
    Q_OBJECT
private slots:
    void screeningCallIsLabelledScriptedWithTokens()
    {
        auto f = startEngine();
        QVERIFY(submit(*f->engine, QStringLiteral("ada")));
        ConversationView view(f->inspector.get());
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setObject(QStringLiteral("Recruitment"), recruitmentId(QStringLiteral("ada")));

        ModelCallModel *model = view.model();
        QTRY_COMPARE(model->rowCount(), 1);
        QTRY_COMPARE(model->call(0).status, ModelCallInfo::Status::Done);
        const QModelIndex row = model->index(0, 0);
        QCOMPARE(row.data(ModelCallModel::CallIdRole).toString(), QStringLiteral("mc-1"));
        QCOMPARE(row.data(ModelCallModel::PendingRole).toBool(), false);
        QCOMPARE(row.data(ModelCallModel::ScriptedRole).toBool(), true);
        const int tokens = row.data(ModelCallModel::TotalTokensRole).toInt();
        QVERIFY2(tokens > 0, "scripted replies carry estimated tokens");
        QCOMPARE(model->index(0, ModelCallModel::SourceColumn).data().toString(),
                 QStringLiteral("Scripted model"));
        QCOMPARE(model->index(0, ModelCallModel::TokensColumn).data().toString(),
                 QString::number(tokens));
        QCOMPARE(model->index(0, ModelCallModel::ModelColumn).data().toString(),
                 QStringLiteral("scripted"));
        QCOMPARE(model->index(0, ModelCallModel::StatusColumn).data().toString(),
                 QStringLiteral("Done"));

        // The only call is selected and shown in full.
        QTRY_COMPARE(view.shownCallId(), QStringLiteral("mc-1"));
        const QString detail = view.detailView()->toPlainText();
        QVERIFY2(detail.contains(QStringLiteral("Scripted model")), qPrintable(detail));
        QVERIFY(detail.contains(QStringLiteral("not from a language model")));
        QVERIFY(detail.contains(QStringLiteral("Tokens")));
        QVERIFY(detail.contains(QString::number(tokens)));
        QVERIFY(detail.contains(QStringLiteral("Finish reason")));
        QVERIFY(detail.contains(QStringLiteral("stop")));
        QVERIFY(detail.contains(QStringLiteral("Latency")));
        QVERIFY(detail.contains(QStringLiteral("system")));
        QVERIFY(detail.contains(QStringLiteral("You are a recruiting assistant")));
        QVERIFY(detail.contains(QStringLiteral("user")));
        QVERIFY(detail.contains(QStringLiteral("Candidate: ada")));
        QVERIFY(detail.contains(QStringLiteral("\"score\": 8"))); // the reply's content
        QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("1 model call")));
        QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("scripted")));
    }

    void pendingCallIsShownAsPendingUntilTheModelAnswers()
    {
        auto f = startEngine(s_replyDelayMs);
        QVERIFY(submit(*f->engine, QStringLiteral("bo")));
        ConversationView view(f->inspector.get());
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.model()->setRefreshDelay(20);
        view.setObject(QStringLiteral("Recruitment"), recruitmentId(QStringLiteral("bo")));

        ModelCallModel *model = view.model();
        QTRY_COMPARE(model->rowCount(), 1);
        QTRY_COMPARE(view.shownCallId(), QStringLiteral("mc-1"));
        QCOMPARE(model->call(0).status, ModelCallInfo::Status::Model);
        QCOMPARE(model->index(0, 0).data(ModelCallModel::PendingRole).toBool(), true);
        QCOMPARE(model->index(0, ModelCallModel::StatusColumn).data().toString(),
                 QStringLiteral("Waiting on the model"));
        QCOMPARE(model->index(0, ModelCallModel::TokensColumn).data().toString(),
                 QStringLiteral("—"));
        QCOMPARE(model->index(0, 0).data(ModelCallModel::TotalTokensRole).toInt(), -1);
        QString detail = view.detailView()->toPlainText();
        QVERIFY2(detail.contains(QStringLiteral("Pending")), qPrintable(detail));
        QVERIFY(detail.contains(QStringLiteral("No reply yet")));
        QVERIFY(detail.contains(QStringLiteral("attempt 1")));
        QVERIFY(detail.contains(QStringLiteral("onScreened")));
        QVERIFY(!detail.contains(QStringLiteral("Scripted model")));
        QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("1 pending")));

        // Past the reply's delay the model answers, and the view follows the feed.
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        f->clock->advance(std::chrono::milliseconds(s_replyDelayMs + 1000));
        QTRY_COMPARE_WITH_TIMEOUT(model->call(0).status, ModelCallInfo::Status::Done, 10000);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(model->rowCount(), 1);
        QTRY_VERIFY(view.detailView()->toPlainText().contains(QStringLiteral("Scripted model")));
        detail = view.detailView()->toPlainText();
        QVERIFY(!detail.contains(QStringLiteral("Pending")));
        QCOMPARE(model->index(0, ModelCallModel::LatencyColumn).data().toString(),
                 QStringLiteral("%1 ms").arg(s_replyDelayMs));
    }

    // ModelDelta events (here emitted as the feed would deliver them; the engine side is
    // tst_streamedmodelcalls) grow the pending call's reply, until the stored reply replaces it.
    void streamedTextGrowsUntilTheReplyIsStored()
    {
        auto f = startEngine(s_replyDelayMs);
        QVERIFY(submit(*f->engine, QStringLiteral("cy")));
        ConversationView view(f->inspector.get());
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.model()->setRefreshDelay(20);
        const ObjectId id = recruitmentId(QStringLiteral("cy"));
        view.setObject(QStringLiteral("Recruitment"), id);
        ModelCallModel *model = view.model();
        QTRY_COMPARE(model->rowCount(), 1);
        QTRY_COMPARE(view.shownCallId(), QStringLiteral("mc-1"));
        QCOMPARE(model->call(0).status, ModelCallInfo::Status::Model);
        QCOMPARE(model->index(0, 0).data(ModelCallModel::StreamedTextRole).toString(), QString());

        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        const auto delta = [&id](const QString &callId, const QString &text, qint64 length) {
            ChangeEvent event;
            event.kind = ChangeEvent::Kind::ModelDelta;
            event.id = id;
            event.className = QStringLiteral("Recruitment");
            event.name = QStringLiteral("cy");
            event.detail = {{QStringLiteral("callId"), callId},
                            {QStringLiteral("round"), 0},
                            {QStringLiteral("attempt"), 1},
                            {QStringLiteral("delta"), text},
                            {QStringLiteral("length"), double(length)}};
            return event;
        };
        ChangeEvent other = delta(QStringLiteral("mc-1"), QStringLiteral("not ours"), 8);
        other.id = recruitmentId(QStringLiteral("someone else"));
        emit f->inspector->changesAvailable(
            {other, delta(QStringLiteral("mc-1"), QStringLiteral("{\"sco"), 5)});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().column(), int(ModelCallModel::StatusColumn));
        QCOMPARE(model->index(0, 0).data(ModelCallModel::StreamedTextRole).toString(),
                 QStringLiteral("{\"sco"));
        QCOMPARE(model->index(0, ModelCallModel::StatusColumn).data().toString(),
                 QStringLiteral("Streaming the reply: 5 character(s)"));
        QTRY_VERIFY(view.detailView()->toPlainText().contains(QStringLiteral("{\"sco")));
        QVERIFY(view.detailView()->toPlainText().contains(QStringLiteral("Streaming")));

        emit f->inspector->changesAvailable(
            {delta(QStringLiteral("mc-1"), QStringLiteral("re\""), 8)});
        QCOMPARE(model->index(0, 0).data(ModelCallModel::StreamedTextRole).toString(),
                 QStringLiteral("{\"score\""));
        QTRY_VERIFY(view.detailView()->toPlainText().contains(QStringLiteral("{\"score\"")));

        // The model answers: the stored reply replaces the streamed text.
        f->clock->advance(std::chrono::milliseconds(s_replyDelayMs + 1000));
        QTRY_COMPARE_WITH_TIMEOUT(model->call(0).status, ModelCallInfo::Status::Done, 10000);
        QCOMPARE(model->index(0, 0).data(ModelCallModel::StreamedTextRole).toString(), QString());
        QCOMPARE(model->index(0, ModelCallModel::StatusColumn).data().toString(),
                 QStringLiteral("Done"));
        QTRY_VERIFY(view.detailView()->toPlainText().contains(QStringLiteral("Scripted model")));
        QVERIFY(!view.detailView()->toPlainText().contains(QStringLiteral("Streaming")));
    }

    void detailShowsToolCallsResultsAndReplays()
    {
        ModelCallInfo call;
        call.id = QStringLiteral("mc-3");
        call.continuation = QStringLiteral("onInterviewBooked");
        call.status = ModelCallInfo::Status::Tools;
        call.round = 0;
        ToolCall toolCall;
        toolCall.id = QStringLiteral("call_1");
        toolCall.name = QStringLiteral("proposeInterviewSlot");
        toolCall.arguments = QJsonObject {
            {QStringLiteral("start"), QStringLiteral("Tuesday 10:00")}};
        call.request.messages = {ChatMessage::system(QStringLiteral("You schedule interviews.")),
                                 ChatMessage::user(QStringLiteral("Book Ada")),
                                 ChatMessage::assistant(QString(), {toolCall}),
                                 ChatMessage::toolResult(QStringLiteral("call_1"),
                                                         QStringLiteral("booked"),
                                                         QStringLiteral("proposeInterviewSlot"))};
        ToolDefinition tool;
        tool.name = QStringLiteral("proposeInterviewSlot");
        tool.description = QStringLiteral("Book an interview slot.");
        call.request.tools = {tool};
        call.pendingTools = QJsonArray {toolCall.toJson()};
        ChatReply reply;
        reply.toolCalls = {toolCall};
        reply.finishReason = QStringLiteral("tool_calls");
        reply.model = QStringLiteral("gpt-4o-mini");
        reply.provider = QStringLiteral("openai-compatible");
        reply.replayedFrom = QStringLiteral("booking.cassette.json");
        call.lastReply = reply.toJson();

        QTextBrowser browser;
        browser.setHtml(ConversationView::callHtml(call));
        const QString text = browser.toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Pending")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Waiting on tools: proposeInterviewSlot")));
        QVERIFY(text.contains(QStringLiteral("calls tool proposeInterviewSlot")));
        QVERIFY(text.contains(QStringLiteral("Tuesday 10:00")));
        QVERIFY(text.contains(QStringLiteral("result of proposeInterviewSlot")));
        QVERIFY(text.contains(QStringLiteral("booked")));
        QVERIFY(text.contains(QStringLiteral("Tools offered")));
        QVERIFY(text.contains(QStringLiteral("Cassette replay")));
        QVERIFY(text.contains(QStringLiteral("booking.cassette.json")));
        QVERIFY(text.contains(QStringLiteral("gpt-4o-mini")));
        QVERIFY(text.contains(QStringLiteral("tool_calls")));
        QCOMPARE(ModelCallModel::sourceText(call.lastReply),
                 QStringLiteral("Cassette replay (booking.cassette.json)"));

        // A live reply is not labelled as scripted or replayed.
        reply.replayedFrom.clear();
        QCOMPARE(ModelCallModel::sourceText(reply.toJson()),
                 QStringLiteral("Live model (openai-compatible)"));
        browser.setHtml(ConversationView::callHtml([&call, &reply] {
            ModelCallInfo live = call;
            live.lastReply = reply.toJson();
            return live;
        }()));
        QVERIFY(!browser.toPlainText().contains(QStringLiteral("Cassette replay")));
        QVERIFY(!browser.toPlainText().contains(QStringLiteral("Scripted model")));
    }

    void inspectorHasAConversationTabThatLoadsWhenShown()
    {
        auto f = startEngine();
        QVERIFY(submit(*f->engine, QStringLiteral("cy")));
        ObjectInspector inspector(f->inspector.get(), f->clock.get());
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        QCOMPARE(inspector.tabs()->tabText(ObjectInspector::ConversationTab),
                 QStringLiteral("Conversation"));
        QCOMPARE(inspector.tabs()->widget(ObjectInspector::ConversationTab),
                 inspector.conversation());
        ObjectSummary summary;
        summary.id = recruitmentId(QStringLiteral("cy"));
        summary.className = QStringLiteral("Recruitment");
        summary.name = QStringLiteral("cy");
        inspector.setObject(summary);
        // Not shown: nothing read (it would wake a hibernated object).
        QCOMPARE(inspector.conversation()->model()->objectId(), ObjectId());
        inspector.tabs()->setCurrentIndex(ObjectInspector::ConversationTab);
        QCOMPARE(inspector.conversation()->model()->objectId(), summary.id);
        QTRY_COMPARE(inspector.conversation()->model()->rowCount(), 1);
    }
};

QTEST_MAIN(TestConversation)
#include "tst_conversation.moc"
