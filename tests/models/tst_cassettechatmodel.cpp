// SPDX-License-Identifier: MIT
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <durable/core/cassettechatmodel.h>
#include <durable/core/scriptedchatmodel.h>
#include <optional>

using namespace Durable;

namespace {

std::unique_ptr<ScriptedChatModel> scripted()
{
    const QByteArray rules = R"({"rules": [
        {"when": {"lastUser": "resume"}, "reply": {"toolCalls": [{"name": "score", "arguments": {"text": "{{last_user}}"}}]}},
        {"when": {"lastUser": "hello"}, "reply": "Hello, {{last_user}}"},
        {"when": {"lastUser": "fail"}, "reply": "unused", "delayMs": 0}
    ]})";
    Result<std::unique_ptr<ScriptedChatModel>> model = ScriptedChatModel::fromJson(
        QJsonDocument::fromJson(rules).object());
    if (!model)
        qFatal("%s", qPrintable(model.error().message()));
    return std::move(model).value();
}

ChatRequest request(const QString &user, const QString &model = QStringLiteral("gpt-4o-mini"))
{
    ChatRequest result;
    result.model = model;
    result.messages = {ChatMessage::system(QStringLiteral("You are a recruiter.")),
                       ChatMessage::user(user)};
    result.temperature = 0.2;
    return result;
}

std::optional<Result<ChatReply>> run(ChatModel &model, const ChatRequest &chatRequest)
{
    std::optional<Result<ChatReply>> outcome;
    QEventLoop loop;
    model.complete(chatRequest, [&outcome, &loop](Result<ChatReply> reply) {
        outcome = std::move(reply);
        loop.quit();
    });
    if (outcome) {
        qWarning("done ran inside complete()");
        return std::nullopt;
    }
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
    return outcome;
}

QByteArray bytes(const ChatReply &reply)
{
    return QJsonDocument(reply.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace

class TestCassetteChatModel : public QObject
{
    Q_OBJECT
private slots:
    void recordThenReplayIsIdentical()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("calls.cassette.json"));
        const QList<ChatRequest> requests {
            request(QStringLiteral("Here is a resume: Anna")),
            request(QStringLiteral("hello world")),
            request(QStringLiteral("hello world"), QStringLiteral("other-model"))};
        QList<QByteArray> recorded;
        {
            auto inner = scripted();
            Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
                path, inner.get());
            QVERIFY2(recorder.ok(), qPrintable(recorder.error().message()));
            QCOMPARE(recorder.value()->mode(), CassetteChatModel::Mode::Record);
            for (const ChatRequest &chatRequest : requests) {
                std::optional<Result<ChatReply>> outcome = run(*recorder.value(), chatRequest);
                QVERIFY(outcome);
                QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
                recorded.append(bytes(outcome->value()));
                QVERIFY(outcome->value().replayedFrom.isEmpty()); // recording is live
                // Saved after every call, not only at the end.
                QVERIFY(QFile::exists(path));
            }
            QCOMPARE(recorder.value()->entryCount(), 3);
            QVERIFY(recorder.value()->describe().contains(QStringLiteral("scripted")));
        }

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject cassette = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray entries = cassette.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.at(0).toObject().value(QStringLiteral("fingerprint")).toString(),
                 requests.at(0).fingerprint());

        Result<std::unique_ptr<CassetteChatModel>> player = CassetteChatModel::replay(path);
        QVERIFY2(player.ok(), qPrintable(player.error().message()));
        QCOMPARE(player.value()->mode(), CassetteChatModel::Mode::Replay);
        QVERIFY(player.value()->describe().contains(QStringLiteral("3 recordings")));
        // Out of order on purpose: replay is keyed by fingerprint, not position.
        for (int i : {2, 0, 1}) {
            std::optional<Result<ChatReply>> outcome = run(*player.value(), requests.at(i));
            QVERIFY(outcome);
            QVERIFY2(outcome->ok(), qPrintable(outcome->error().message()));
            // Exactly what was recorded, labelled with the cassette it came from.
            ChatReply replayed = outcome->value();
            QCOMPARE(replayed.replayedFrom, QStringLiteral("calls.cassette.json"));
            QVERIFY(replayed.scripted); // the recorded model's own label survives
            QCOMPARE(replayed.toJson().value(QStringLiteral("replayedFrom")).toString(),
                     QStringLiteral("calls.cassette.json"));
            replayed.replayedFrom.clear();
            QCOMPARE(bytes(replayed), recorded.at(i));
        }
        // The cassette itself holds live replies only.
        for (const QJsonValue &entry : entries)
            QVERIFY(!entry.toObject()
                         .value(QStringLiteral("reply"))
                         .toObject()
                         .contains(QStringLiteral("replayedFrom")));
    }

    void missingRequestNamesClosest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("calls.json"));
        {
            auto inner = scripted();
            Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
                path, inner.get());
            QVERIFY(recorder.ok());
            for (const QString &text : {QStringLiteral("hello Anna, welcome"),
                                        QStringLiteral("resume of Bob the builder")}) {
                std::optional<Result<ChatReply>> outcome = run(*recorder.value(), request(text));
                QVERIFY(outcome && outcome->ok());
            }
        }
        Result<std::unique_ptr<CassetteChatModel>> player = CassetteChatModel::replay(path);
        QVERIFY(player.ok());

        std::optional<Result<ChatReply>> outcome = run(
            *player.value(), request(QStringLiteral("resume of Bob the plumber")));
        QVERIFY(outcome);
        QVERIFY(!outcome->ok());
        const Error error = outcome->error();
        QCOMPARE(error.code(), ErrorCode::NotFound);
        const QString message = error.message();
        QVERIFY2(message.contains(QStringLiteral("\"resume of Bob the plumber\"")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("recording 2 of 2")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("\"resume of Bob the builder\"")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("message 2 (user) content")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("calls.json")), qPrintable(message));

        // A different model with the same text: the closest is found and the model named.
        outcome = run(*player.value(),
                      request(QStringLiteral("hello Anna, welcome"), QStringLiteral("gpt-4o")));
        QVERIFY(outcome && !outcome->ok());
        QVERIFY2(outcome->error().message().contains(QStringLiteral("recording 1 of 2")),
                 qPrintable(outcome->error().message()));
        QVERIFY2(outcome->error().message().contains(
                     QStringLiteral("model: recorded \"gpt-4o-mini\", requested \"gpt-4o\"")),
                 qPrintable(outcome->error().message()));
    }

    void repeatedRequestsReplayInOrder()
    {
        // A counting inner model: the same request gets a different answer each time.
        class Counter : public ChatModel
        {
        public:
            int calls = 0;
            void complete(const ChatRequest &, Done done) override
            {
                ChatReply reply;
                reply.content = QStringLiteral("answer %1").arg(++calls);
                deliverLater(std::move(done), reply);
            }
            QString describe() const override { return QStringLiteral("counter"); }
        };
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("repeat.json"));
        Counter counter;
        {
            Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
                path, &counter);
            QVERIFY(recorder.ok());
            for (int i = 0; i < 2; ++i)
                QVERIFY(run(*recorder.value(), request(QStringLiteral("same")))->ok());
        }
        Result<std::unique_ptr<CassetteChatModel>> player = CassetteChatModel::replay(path);
        QVERIFY(player.ok());
        QCOMPARE(run(*player.value(), request(QStringLiteral("same")))->value().content,
                 QStringLiteral("answer 1"));
        QCOMPARE(run(*player.value(), request(QStringLiteral("same")))->value().content,
                 QStringLiteral("answer 2"));
        QCOMPARE(run(*player.value(), request(QStringLiteral("same")))->value().content,
                 QStringLiteral("answer 2"));
        QCOMPARE(counter.calls, 2); // replay never reached the inner model
    }

    void recordingExtendsExistingCassette()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("grow.json"));
        auto inner = scripted();
        for (const QString &text : {QStringLiteral("hello one"), QStringLiteral("hello two")}) {
            Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
                path, inner.get());
            QVERIFY(recorder.ok());
            QVERIFY(run(*recorder.value(), request(text))->ok());
        }
        Result<std::unique_ptr<CassetteChatModel>> player = CassetteChatModel::replay(path);
        QVERIFY(player.ok());
        QCOMPARE(player.value()->entryCount(), 2);
    }

    void innerErrorsPassThroughUnrecorded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("errors.json"));
        auto inner = scripted();
        Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
            path, inner.get());
        QVERIFY(recorder.ok());
        std::optional<Result<ChatReply>> outcome = run(*recorder.value(),
                                                       request(QStringLiteral("no rule for this")));
        QVERIFY(outcome && !outcome->ok());
        QCOMPARE(outcome->error().code(), ErrorCode::NotFound);
        QCOMPARE(recorder.value()->entryCount(), 0);
    }

    void replayErrors()
    {
        Result<std::unique_ptr<CassetteChatModel>> missing = CassetteChatModel::replay(
            QStringLiteral("/nonexistent/cassette.json"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code(), ErrorCode::Io);
        QVERIFY(missing.error().message().contains(QStringLiteral("/nonexistent/cassette.json")));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"version\": 1, \"entries\": [");
        file.close();
        Result<std::unique_ptr<CassetteChatModel>> broken = CassetteChatModel::replay(path);
        QVERIFY(!broken.ok());
        QCOMPARE(broken.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(broken.error().message().contains(QStringLiteral("broken.json")));

        const QString emptyPath = dir.filePath(QStringLiteral("empty.json"));
        QFile empty(emptyPath);
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("{\"version\": 1, \"entries\": []}");
        empty.close();
        Result<std::unique_ptr<CassetteChatModel>> player = CassetteChatModel::replay(emptyPath);
        QVERIFY(player.ok());
        std::optional<Result<ChatReply>> outcome = run(*player.value(),
                                                       request(QStringLiteral("anything")));
        QVERIFY(outcome && !outcome->ok());
        QVERIFY(outcome->error().message().contains(QStringLiteral("no recordings")));
    }

    void unsavableCassetteFailsTheCall()
    {
        auto inner = scripted();
        Result<std::unique_ptr<CassetteChatModel>> recorder = CassetteChatModel::record(
            QStringLiteral("/nonexistent/dir/cassette.json"), inner.get());
        QVERIFY(recorder.ok());
        std::optional<Result<ChatReply>> outcome = run(*recorder.value(),
                                                       request(QStringLiteral("hello")));
        QVERIFY(outcome && !outcome->ok());
        QCOMPARE(outcome->error().code(), ErrorCode::Io);
        QVERIFY(outcome->error().message().contains(QStringLiteral("Could not save cassette")));
    }
};

QTEST_GUILESS_MAIN(TestCassetteChatModel)
#include "tst_cassettechatmodel.moc"
