// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <durable/core/chatmodel.h>
#include <durable/core/openaiconfig.h>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace Durable {

// A ChatModel that calls an OpenAI-compatible server: POST {baseUrl}/chat/completions.
//
// Lives on one thread; its QNetworkAccessManager is created there on the first call. Each
// attempt has its own timeout; 429 and 5xx answers are retried with exponential backoff,
// honouring Retry-After (seconds or an HTTP date). Timeouts and connection failures are not
// retried: a server that is down or hanging rarely recovers within a backoff, and the engine
// re-issues durable calls anyway. Errors name the URL and model and never contain the key.
//
// Replies are streamed ("stream": true): server-sent chunks are read as they arrive, each piece
// of text goes to ModelCallContext::onDelta, and done gets the same ChatReply as an unstreamed
// answer (content joined, tool-call pieces merged by index, finish reason, usage). A server
// that ignores "stream" and answers with one JSON body works as before. A stream that stops
// before its finish reason or "[DONE]" (connection dropped) is a failed call.
class OpenAiChatModel : public ChatModel
{
    Q_OBJECT
public:
    explicit OpenAiChatModel(OpenAiConfig config, QObject *parent = nullptr);
    ~OpenAiChatModel() override;

    const OpenAiConfig &config() const { return m_config; }

    void complete(const ChatRequest &request, Done done) override;
    void completeCall(const ModelCallContext &context, const ChatRequest &request,
                      Done done) override;
    QString describe() const override;

    // The JSON body sent for request (OpenAI wire format; it never contains the key).
    QJsonObject requestBody(const ChatRequest &request) const;
    // {baseUrl}/chat/completions
    QUrl endpoint() const;

private:
    struct Call;
    void start(const ChatRequest &request, std::function<void(const QString &)> onDelta, Done done);
    void sendAttempt(const std::shared_ptr<Call> &call);
    void readStream(const std::shared_ptr<Call> &call, QNetworkReply *reply);
    void readStreamLines(Call &call);
    void takeStreamEvent(Call &call);
    Result<ChatReply> finishStream(const Call &call, const QNetworkReply &reply) const;
    void handleFinished(const std::shared_ptr<Call> &call, QNetworkReply *reply);
    QString unreachableReason(const QNetworkReply &reply) const;
    int retryDelayMs(const QNetworkReply &reply, int attempt) const;
    Error rejectionError(const Call &call, int status, const QByteArray &body) const;
    Result<ChatReply> parseReply(const Call &call, const QByteArray &body) const;
    Error notACompletion(const Call &call, const QByteArray &body, const QString &why) const;
    Result<ChatReply> parseCompletion(const Call &call, const QJsonObject &root,
                                      const QByteArray &body) const;
    Error makeError(ErrorCode code, const QString &message, const Call &call,
                    int httpStatus = 0) const;
    QString redacted(QString text) const;
    QString urlText() const;

    OpenAiConfig m_config;
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace Durable
