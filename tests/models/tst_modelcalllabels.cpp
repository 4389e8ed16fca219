// SPDX-License-Identifier: MIT
// Replies that did not come from a live model are recognisable in the journal and in the stored
// model call: a scripted reply says provider "scripted", a cassette replay names its cassette,
// and the journal's "reply" stays exactly what was recorded.
// A user chooses the source by name (ModelChoice, `--model`): checked here against a real engine.
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <durable/core/agent.h>
#include <durable/core/cassettechatmodel.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>
#include <durable/core/modelchoice.h>
#include <durable/core/scriptedchatmodel.h>
#include <durable/core/virtualclock.h>

using namespace Durable;

namespace {

QJsonObject rules()
{
    return QJsonObject {
        {QStringLiteral("rules"),
         QJsonArray {QJsonObject {
             {QStringLiteral("name"), QStringLiteral("greet")},
             {QStringLiteral("reply"),
              QJsonObject {{QStringLiteral("content"), QStringLiteral("Hi {{last_user}}")}}}}}}};
}

// Asks the model once and keeps the answer.
class Asker : public Agent
{
public:
    Asker()
    {
        handle("ask", &Asker::ask);
        handle("answer", &Asker::answer);
        continuation("onReply", &Asker::onReply);
    }
    QJsonObject scriptedRules() const override { return rules(); }
    QJsonValue ask(const QJsonValue &args)
    {
        ChatRequest request;
        request.messages = {ChatMessage::user(args.toString())};
        return callModel(request, QStringLiteral("onReply"));
    }
    QJsonValue onReply(const QJsonValue &, const ChatReply &reply)
    {
        setState({{QStringLiteral("answer"), reply.content}});
        return reply.content;
    }
    QJsonValue answer() const { return state().value(QStringLiteral("answer")); }
};

template<typename T>
Result<T> wait(QFuture<T> future)
{
    try {
        future.waitForFinished();
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

struct Run
{
    QJsonObject journalInput; // of the model-reply turn
    ModelCallInfo call;
};

// Asks "Ada" through the given provider (none: the class's scripted rules) and waits for the
// reply's turn.
std::optional<Run> askOnce(const QString &dir, ModelProvider provider,
                           const ModelChoice *choice = nullptr)
{
    EngineOptions options;
    options.dataDir = dir;
    options.clock = std::make_shared<VirtualClock>();
    options.modelProvider = std::move(provider);
    if (choice)
        options.setModel(*choice);
    Engine engine(options);
    if (auto ok = engine.registerClass<Asker>(QStringLiteral("Asker")); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    if (auto ok = engine.start(); !ok)
        qFatal("%s", qPrintable(ok.error().message()));
    auto stub = engine.stub(QStringLiteral("Asker"), QStringLiteral("a")).value();
    if (!wait(stub.call(QStringLiteral("ask"), QStringLiteral("Ada"))).ok())
        return std::nullopt;
    const auto answered = [&stub] {
        return wait(stub.call(QStringLiteral("answer"))).value().toString() ==
               QLatin1String("Hi Ada");
    };
    if (!QTest::qWaitFor(answered, 10000))
        return std::nullopt;
    Inspector inspector(&engine);
    JournalQuery query;
    query.trigger = QStringLiteral("model-reply");
    const auto entries = wait(inspector.journal(QStringLiteral("Asker"), stub.id(), query));
    const auto calls = wait(
        ModelCallDirectory(&engine).modelCalls(QStringLiteral("Asker"), stub.id()));
    if (!entries || entries->size() != 1 || !calls || calls->size() != 1)
        return std::nullopt;
    return Run {entries->first().input.toObject(), calls->first()};
}

} // namespace

class TestModelCallLabels : public QObject
{
    Q_OBJECT
private slots:
    void scriptedRepliesAreLabelled()
    {
        QTemporaryDir dir;
        const std::optional<Run> run = askOnce(dir.path(), {});
        QVERIFY(run);
        const QJsonObject reply = run->journalInput.value(QStringLiteral("reply")).toObject();
        QCOMPARE(reply.value(QStringLiteral("provider")).toString(), QStringLiteral("scripted"));
        QCOMPARE(reply.value(QStringLiteral("scripted")).toBool(), true);
        QVERIFY(!run->journalInput.contains(QStringLiteral("replayedFrom")));
        QCOMPARE(run->call.lastReply.value(QStringLiteral("provider")).toString(),
                 QStringLiteral("scripted"));
        QVERIFY(!run->call.lastReply.contains(QStringLiteral("replayedFrom")));
    }

    void cassetteReplaysAreLabelledBesideTheRecordedReply()
    {
        QTemporaryDir cassetteDir;
        const QString cassette = cassetteDir.filePath(QStringLiteral("asker.cassette.json"));
        QTemporaryDir recordDir;
        const std::optional<Run> recorded = askOnce(
            recordDir.path(), [cassette](Clock *clock) -> std::unique_ptr<ChatModel> {
                auto inner = ScriptedChatModel::fromJson(rules(), clock).value();
                auto recorder = CassetteChatModel::record(cassette, inner.get()).value();
                inner.release()->setParent(recorder.get());
                return recorder;
            });
        QVERIFY(recorded);
        QVERIFY(!recorded->journalInput.contains(QStringLiteral("replayedFrom")));

        QTemporaryDir replayDir;
        const std::optional<Run> replayed = askOnce(
            replayDir.path(), [cassette](Clock *) -> std::unique_ptr<ChatModel> {
                return CassetteChatModel::replay(cassette).value();
            });
        QVERIFY(replayed);
        QCOMPARE(replayed->journalInput.value(QStringLiteral("replayedFrom")).toString(),
                 QStringLiteral("asker.cassette.json"));
        // The journaled reply is byte for byte the recorded one.
        QCOMPARE(replayed->journalInput.value(QStringLiteral("reply")),
                 recorded->journalInput.value(QStringLiteral("reply")));
        QCOMPARE(replayed->journalInput.value(QStringLiteral("reply"))
                     .toObject()
                     .value(QStringLiteral("scripted"))
                     .toBool(),
                 true);
        // The stored call (what the studio shows) carries the label too.
        QCOMPARE(replayed->call.lastReply.value(QStringLiteral("replayedFrom")).toString(),
                 QStringLiteral("asker.cassette.json"));
    }

    void aCassetteChosenByNameReplaysItsReplies()
    {
        // What `--model cassette:FILE` does: the recorded reply, labelled with its cassette.
        QTemporaryDir cassetteDir;
        const QString cassette = cassetteDir.filePath(QStringLiteral("asker.cassette.json"));
        QTemporaryDir recordDir;
        QVERIFY(askOnce(recordDir.path(), [cassette](Clock *clock) -> std::unique_ptr<ChatModel> {
            auto inner = ScriptedChatModel::fromJson(rules(), clock).value();
            auto recorder = CassetteChatModel::record(cassette, inner.get()).value();
            inner.release()->setParent(recorder.get());
            return recorder;
        }));
        const Result<ModelChoice> choice = ModelChoice::parse(QStringLiteral("cassette:") +
                                                              cassette);
        QVERIFY2(choice.ok(), qPrintable(choice.error().message()));
        QCOMPARE(choice->kind(), ModelChoice::Kind::Cassette);
        QCOMPARE(choice->spec(), QStringLiteral("cassette:") + cassette);
        QTemporaryDir replayDir;
        const std::optional<Run> replayed = askOnce(replayDir.path(), {}, &choice.value());
        QVERIFY(replayed);
        QCOMPARE(replayed->call.lastReply.value(QStringLiteral("replayedFrom")).toString(),
                 QStringLiteral("asker.cassette.json"));
    }

    void choosingScriptedOverridesTheEnvironment()
    {
        // DURABLE_MODEL=openai names a server nobody listens on; the scripted choice never asks it.
        qputenv("DURABLE_MODEL", "openai");
        qputenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        const Result<ModelChoice> choice = ModelChoice::parse(QStringLiteral("scripted"));
        QTemporaryDir dir;
        const std::optional<Run> run = askOnce(dir.path(), {}, &choice.value());
        qunsetenv("DURABLE_MODEL");
        qunsetenv("OPENAI_BASE_URL");
        QVERIFY(run);
        QCOMPARE(run->call.lastReply.value(QStringLiteral("provider")).toString(),
                 QStringLiteral("scripted"));
    }

    void badChoicesAreRefusedClearly_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << "gpt-9"
                                 << "Unknown model \"gpt-9\": use scripted, openai or "
                                    "cassette:FILE";
        QTest::newRow("no file") << "cassette:"
                                 << "needs a file";
        QTest::newRow("missing file") << "cassette:/nonexistent/x.json"
                                      << "Could not read cassette /nonexistent/x.json";
    }
    void badChoicesAreRefusedClearly()
    {
        QFETCH(QString, spec);
        QFETCH(QString, message);
        const Result<ModelChoice> choice = ModelChoice::parse(spec);
        QVERIFY(!choice.ok());
        QVERIFY2(choice.error().message().contains(message), qPrintable(choice.error().message()));
        QCOMPARE(ModelChoice::parse(QStringLiteral("openai"))->kind(), ModelChoice::Kind::OpenAi);
        QVERIFY(!ModelChoice().spec().size());
    }
};

QTEST_GUILESS_MAIN(TestModelCallLabels)
#include "tst_modelcalllabels.moc"
