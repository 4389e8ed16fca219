// SPDX-License-Identifier: MIT
#include "httploadclient.h"
#include "httpserver.h"
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <atomic>
#include <memory>

using namespace Durable;

namespace {

struct RawResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &header : headers) {
            if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
                return header.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const
    {
        return json()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    QString errorMessage() const
    {
        return json()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("message"))
            .toString();
    }
};

// A raw HTTP client on a QTcpSocket, driven by the test thread's event loop (the server runs on
// the same thread, so nothing may block).
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    }

    QTcpSocket &socket() { return m_socket; }

    bool waitConnected(int timeoutMs = 5000)
    {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        QSignalSpy spy(&m_socket, &QTcpSocket::connected);
        return spy.wait(timeoutMs) || m_socket.state() == QAbstractSocket::ConnectedState;
    }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // Reads until `count` complete responses arrived (or the timeout).
    QList<RawResponse> read(int count, int timeoutMs = 5000)
    {
        QList<RawResponse> responses;
        QDeadlineTimer deadline(timeoutMs);
        QSignalSpy readSpy(&m_socket, &QTcpSocket::readyRead);
        while (true) {
            m_buffer += m_socket.readAll();
            RawResponse response;
            while (responses.size() < count && takeResponse(response))
                responses.append(response);
            if (responses.size() >= count || deadline.hasExpired() ||
                m_socket.state() == QAbstractSocket::UnconnectedState) {
                if (m_socket.state() == QAbstractSocket::UnconnectedState) {
                    m_buffer += m_socket.readAll();
                    while (responses.size() < count && takeResponse(response))
                        responses.append(response);
                }
                return responses;
            }
            readSpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    RawResponse readOne(int timeoutMs = 5000)
    {
        const QList<RawResponse> responses = read(1, timeoutMs);
        return responses.isEmpty() ? RawResponse() : responses.first();
    }

    // Reads raw bytes until `marker` was seen (or the timeout); returns everything read so far.
    QByteArray readUntil(const QByteArray &marker, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        QSignalSpy readSpy(&m_socket, &QTcpSocket::readyRead);
        while (true) {
            m_buffer += m_socket.readAll();
            if (m_buffer.contains(marker) || deadline.hasExpired() ||
                m_socket.state() == QAbstractSocket::UnconnectedState) {
                return m_buffer;
            }
            readSpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    bool waitDisconnected(int timeoutMs = 5000)
    {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy spy(&m_socket, &QTcpSocket::disconnected);
        return spy.wait(timeoutMs) || m_socket.state() == QAbstractSocket::UnconnectedState;
    }

private:
    bool takeResponse(RawResponse &response)
    {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        RawResponse parsed;
        const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
        parsed.status = lines.first().mid(9, 3).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            parsed.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        const qint64 length = parsed.header("content-length").toLongLong();
        if (m_buffer.size() < headEnd + 4 + length)
            return false;
        parsed.body = m_buffer.mid(headEnd + 4, length);
        m_buffer.remove(0, headEnd + 4 + length);
        response = parsed;
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray get(const QByteArray &path, const QByteArray &extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

QByteArray post(const QByteArray &path, const QByteArray &body)
{
    return "POST " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Holds responders a handler kept to answer later.
struct Parked
{
    QMutex mutex;
    QList<HttpResponder> responders;
    QList<QByteArray> paths;

    void add(const HttpResponder &responder, const QByteArray &path)
    {
        QMutexLocker lock(&mutex);
        responders.append(responder);
        paths.append(path);
    }
    qsizetype size()
    {
        QMutexLocker lock(&mutex);
        return responders.size();
    }
};

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    std::shared_ptr<Parked> m_parked;

    void startServer(HttpServerOptions options = {})
    {
        m_server = std::make_unique<HttpServer>(options);
        m_parked = std::make_shared<Parked>();
        m_server->route(
            "GET", QStringLiteral("/hello"),
            [](const HttpRequest &request, const HttpPathParams &, HttpResponder r) {
                r.respond(HttpResponse::json(
                    200, QJsonObject {{QStringLiteral("hello"),
                                       request.query().queryItemValue(QStringLiteral("name"))}}));
            });
        m_server->route("POST", QStringLiteral("/echo"),
                        [](const HttpRequest &request, const HttpPathParams &, HttpResponder r) {
                            const Result<QJsonValue> body = request.jsonBody();
                            if (!body) {
                                r.respond(HttpResponse::fromError(body.error()));
                                return;
                            }
                            r.respond(HttpResponse::json(
                                200, QJsonObject {{QStringLiteral("echo"), body.value()}}));
                        });
        m_server->route("GET", QStringLiteral("/echo/{n}"),
                        [](const HttpRequest &, const HttpPathParams &params, HttpResponder r) {
                            r.respond(HttpResponse(200, params.value(QStringLiteral("n")).toUtf8(),
                                                   "text/plain"));
                        });
        m_server->route("POST", QStringLiteral("/objects/{class}/{name}/{method}"),
                        [](const HttpRequest &, const HttpPathParams &params, HttpResponder r) {
                            QJsonObject json;
                            for (auto it = params.cbegin(); it != params.cend(); ++it)
                                json.insert(it.key(), it.value());
                            r.respond(HttpResponse::json(200, json));
                        });
        m_server->route("POST", QStringLiteral("/objects/{class}/new/{method}"),
                        [](const HttpRequest &, const HttpPathParams &, HttpResponder r) {
                            r.respond(HttpResponse::text(200, QStringLiteral("literal")));
                        });
        const std::shared_ptr<Parked> parked = m_parked;
        m_server->route("GET", QStringLiteral("/later/{n}"),
                        [parked](const HttpRequest &request, const HttpPathParams &,
                                 HttpResponder r) { parked->add(r, request.rawPath()); });
        m_server->route("GET", QStringLiteral("/drop"),
                        [](const HttpRequest &, const HttpPathParams &, HttpResponder) {});
        m_server->route("GET", QStringLiteral("/throw"),
                        [](const HttpRequest &, const HttpPathParams &, HttpResponder) {
                            throw Error(ErrorCode::Overloaded, QStringLiteral("queue full"));
                        });
        const Result<quint16> port = m_server->listen(QHostAddress(QHostAddress::LocalHost), 0);
        QVERIFY2(port.ok(), qPrintable(port.error().message()));
        m_port = port.value();
        QVERIFY(m_port != 0);
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }

private slots:
    void initTestCase()
    {
        // "Listening on ..." for every test drowns the output.
        QLoggingCategory::setFilterRules(QStringLiteral("durable.core.http.debug=false"));
    }
    void init() { startServer(); }
    void cleanup()
    {
        m_server.reset();
        m_parked.reset();
    }

    void getAndPostRoundTripWithNetworkAccessManager()
    {
        QNetworkAccessManager manager;
        std::unique_ptr<QNetworkReply> reply(
            manager.get(QNetworkRequest(url(QStringLiteral("/hello?name=anna%20b")))));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(),
                 QStringLiteral("application/json"));
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object(),
                 (QJsonObject {{QStringLiteral("hello"), QStringLiteral("anna b")}}));

        QNetworkRequest request(url(QStringLiteral("/echo")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> postReply(
            manager.post(request, QByteArray(R"({"n":[1,2,3],"s":"é"})")));
        QSignalSpy postFinished(postReply.get(), &QNetworkReply::finished);
        QVERIFY(postFinished.wait(5000));
        QCOMPARE(postReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject echo = QJsonDocument::fromJson(postReply->readAll())
                                     .object()
                                     .value(QStringLiteral("echo"))
                                     .toObject();
        QCOMPARE(echo.value(QStringLiteral("n")).toArray(), (QJsonArray {1, 2, 3}));
        QCOMPARE(echo.value(QStringLiteral("s")).toString(), QString::fromUtf8("é"));
    }

    void pathParametersAreDecoded()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(post("/objects/Counter/anna%20b%2Fc/increment", "{}"));
        const RawResponse response = client.readOne();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json(),
                 (QJsonObject {{QStringLiteral("class"), QStringLiteral("Counter")},
                               {QStringLiteral("name"), QStringLiteral("anna b/c")},
                               {QStringLiteral("method"), QStringLiteral("increment")}}));

        // A literal segment wins over a parameter.
        client.send(post("/objects/Counter/new/increment", "{}"));
        const RawResponse literal = client.readOne();
        QCOMPARE(literal.status, 200);
        QCOMPARE(literal.body, QByteArray("literal"));
    }

    void jsonBodyErrorsSayWhere()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(post("/echo", R"({"a": 1,, })"));
        const RawResponse response = client.readOne();
        QCOMPARE(response.status, 400);
        QCOMPARE(response.errorCode(), QStringLiteral("invalid-argument"));
        // Qt reports the offset just past the offending second comma (index 8).
        QVERIFY2(response.errorMessage().contains(QStringLiteral("at offset 9")),
                 qPrintable(response.errorMessage()));
        QCOMPARE(response.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("context"))
                     .toObject()
                     .value(QStringLiteral("offset"))
                     .toInt(),
                 9);

        client.send(post("/echo", ""));
        const RawResponse empty = client.readOne();
        QCOMPARE(empty.status, 400);
        QVERIFY(empty.errorMessage().contains(QStringLiteral("empty")));

        // Scalars are JSON values too.
        client.send(post("/echo", "42"));
        const RawResponse scalar = client.readOne();
        QCOMPARE(scalar.status, 200);
        QCOMPARE(scalar.body, QByteArray(R"({"echo":42})"));
    }

    void jsonBodyOfRequestValue()
    {
        HttpRequest request;
        request.setBody(" \"text\" ");
        QCOMPARE(request.jsonBody().value(), QJsonValue(QStringLiteral("text")));
        request.setBody("tru");
        const Result<QJsonValue> bad = request.jsonBody();
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(bad.error().context().contains(QStringLiteral("offset")));
        request.setBody("[1, 2");
        QVERIFY(request.jsonBody().error().message().contains(QStringLiteral("offset")));
    }

    void requestSplitAcrossPackets()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        const QByteArray bytes = post("/echo", R"({"split":true})");
        QSignalSpy ready(&client.socket(), &QTcpSocket::readyRead);
        for (char c : bytes) {
            client.send(QByteArray(1, c));
            // Let the server (same thread) see each byte on its own.
            QCoreApplication::processEvents();
        }
        const RawResponse response = client.readOne();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray(R"({"echo":{"split":true}})"));
        QCOMPARE(m_server->connectionCount(), 1);
    }

    void pipelinedRequestsInOnePacket()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/echo/1") + post("/echo", "[2]") + get("/echo/3") + get("/nope") +
                    get("/echo/5"));
        const QList<RawResponse> responses = client.read(5);
        QCOMPARE(responses.size(), 5);
        QCOMPARE(responses.at(0).body, QByteArray("1"));
        QCOMPARE(responses.at(1).body, QByteArray(R"({"echo":[2]})"));
        QCOMPARE(responses.at(2).body, QByteArray("3"));
        QCOMPARE(responses.at(3).status, 404);
        QCOMPARE(responses.at(4).body, QByteArray("5"));
        QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    }

    void keepAliveReusesTheConnection()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        for (int i = 0; i < 5; ++i) {
            client.send(get("/echo/" + QByteArray::number(i)));
            const RawResponse response = client.readOne();
            QCOMPARE(response.status, 200);
            QCOMPARE(response.body, QByteArray::number(i));
            QVERIFY(response.header("connection").isEmpty());
        }
        QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_server->connectionCount(), 1);

        // Connection: close is honoured after the response.
        client.send(get("/echo/last", "Connection: close\r\n"));
        const RawResponse last = client.readOne();
        QCOMPARE(last.body, QByteArray("last"));
        QCOMPARE(last.header("connection"), QByteArray("close"));
        QVERIFY(client.waitDisconnected());
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void http10ClosesUnlessKeepAlive()
    {
        RawClient keep(m_port);
        QVERIFY(keep.waitConnected());
        keep.send("GET /echo/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const RawResponse first = keep.readOne();
        QCOMPARE(first.body, QByteArray("a"));
        QCOMPARE(first.header("connection"), QByteArray("keep-alive"));
        keep.send("GET /echo/b HTTP/1.0\r\n\r\n");
        const RawResponse second = keep.readOne();
        QCOMPARE(second.body, QByteArray("b"));
        QCOMPARE(second.header("connection"), QByteArray("close"));
        QVERIFY(keep.waitDisconnected());
    }

    void headUsesGetRouteWithoutBody()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send("HEAD /echo/abc HTTP/1.1\r\nHost: x\r\n\r\n" + get("/echo/z"));
        // The HEAD reply announces 3 bytes but carries none: read the raw bytes.
        const QByteArray raw = client.readUntil("\r\n\r\nz");
        QVERIFY2(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw.constData());
        QVERIFY(raw.contains("Content-Length: 3\r\n"));
        QVERIFY(!raw.contains("abc"));
        QVERIFY(raw.endsWith("\r\n\r\nz"));
    }

    void errorStatuses_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("closes");

        QTest::newRow("unknown route") << get("/missing/route") << 404 << "not-found" << false;
        QTest::newRow("wrong method")
            << post("/hello", "{}") << 405 << "method-not-allowed" << false;
        QTest::newRow("body too large")
            << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n") << 413
            << "payload-too-large" << true;
        QTest::newRow("headers too large")
            << get("/hello", "X-Big: " + QByteArray(20000, 'a') + "\r\n") << 431
            << "headers-too-large" << true;
        QTest::newRow("garbage request line")
            << QByteArray("HELLO\r\n\r\n") << 400 << "bad-request" << true;
        QTest::newRow("absolute target")
            << QByteArray("GET http://x/ HTTP/1.1\r\n\r\n") << 400 << "bad-request" << true;
        QTest::newRow("bad header line")
            << get("/hello", "NoColonHere\r\n") << 400 << "bad-request" << true;
        QTest::newRow("bad content length")
            << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 12x\r\n\r\n") << 400
            << "bad-request" << true;
        QTest::newRow("conflicting content lengths")
            << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2"
                          "\r\n\r\nab")
            << 400 << "bad-request" << true;
        QTest::newRow("chunked body")
            << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << 501 << "not-implemented" << true;
        QTest::newRow("http/2 request line")
            << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << "http-version-not-supported" << true;
        QTest::newRow("http/1.1 without host")
            << QByteArray("GET /echo/x HTTP/1.1\r\n\r\n") << 400 << "bad-request" << true;
        QTest::newRow("two hosts")
            << get("/echo/x", "Host: other\r\n") << 400 << "bad-request" << true;
        // Undecodable paths must not all decode to U+FFFD and reach one object.
        QTest::newRow("invalid utf-8 ff fe") << get("/echo/%ff%fe") << 400 << "bad-request" << true;
        QTest::newRow("invalid utf-8 fe ff") << get("/echo/%fe%ff") << 400 << "bad-request" << true;
        QTest::newRow("overlong nul") << get("/echo/%c0%80") << 400 << "bad-request" << true;
        QTest::newRow("overlong slash") << get("/echo/%e0%80%af") << 400 << "bad-request" << true;
        QTest::newRow("surrogate") << get("/echo/%ed%a0%80") << 400 << "bad-request" << true;
        QTest::newRow("truncated sequence") << get("/echo/%c3") << 400 << "bad-request" << true;
        QTest::newRow("nul") << get("/echo/a%00b") << 400 << "bad-request" << true;
        QTest::newRow("bad escape") << get("/echo/%zz") << 400 << "bad-request" << true;
        QTest::newRow("short escape") << get("/echo/%4") << 400 << "bad-request" << true;
        QTest::newRow("throwing handler") << get("/throw") << 429 << "overloaded" << false;
        QTest::newRow("dropped responder") << get("/drop") << 500 << "handler-dropped" << false;
    }

    void errorStatuses()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(bool, closes);

        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(request);
        const RawResponse response = client.readOne();
        QCOMPARE(response.status, status);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QCOMPARE(response.errorCode(), code);
        QVERIFY(!response.errorMessage().isEmpty());
        if (status == 405)
            QCOMPARE(response.header("allow"), QByteArray("GET, HEAD"));
        if (closes) {
            QCOMPARE(response.header("connection"), QByteArray("close"));
            QVERIFY(client.waitDisconnected());
        } else {
            // The connection stays usable.
            client.send(get("/echo/ok"));
            QCOMPARE(client.readOne().body, QByteArray("ok"));
        }
    }

    void validUtf8PathsAreDecoded()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/echo/%c3%a9t%C3%A9%f0%9f%98%80"));
        const RawResponse response = client.readOne();
        QCOMPARE(response.status, 200);
        QCOMPARE(QString::fromUtf8(response.body), QStringLiteral("\u00e9t\u00e9\U0001F600"));
    }

    void http10NeedsNoHost()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send("GET /echo/x HTTP/1.0\r\n\r\n");
        QCOMPARE(client.readOne().status, 200);
    }

    void bearerSchemeIsCaseInsensitive_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("Bearer") << QByteArray("Bearer s3cret");
        QTest::newRow("bearer") << QByteArray("bearer s3cret");
        QTest::newRow("BEARER") << QByteArray("BEARER s3cret");
    }

    void bearerSchemeIsCaseInsensitive()
    {
        QFETCH(QByteArray, authorization);
        HttpServerOptions options;
        options.token = QStringLiteral("s3cret");
        startServer(options);
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/echo/x", "Authorization: " + authorization + "\r\n"));
        QCOMPARE(client.readOne().status, 200);
        // The token itself stays case-sensitive.
        client.send(get("/echo/x", "Authorization: Bearer S3CRET\r\n"));
        QCOMPARE(client.readOne().status, 401);
    }

    void blankTokenIsRefused()
    {
        HttpServerOptions options;
        options.token = QStringLiteral(" \t");
        HttpServer server(options);
        const Result<quint16> port = server.listen(QHostAddress(QHostAddress::LocalHost), 0);
        QVERIFY(!port.ok());
        QVERIFY2(port.error().message().contains(QStringLiteral("blank token")),
                 qPrintable(port.error().message()));
        QVERIFY(!server.isListening());
    }

    void listenBacklogIsApplied()
    {
        QCOMPARE(m_server->listenBacklog(), 1024);
        HttpServerOptions options;
        options.listenBacklog = 777;
        startServer(options);
        QCOMPARE(m_server->listenBacklog(), 777);
    }

    void pipeliningClientThatNeverReadsIsThrottled()
    {
        HttpServerOptions options;
        options.maxQueuedOutputBytes = 64 * 1024;
        startServer(options);
        auto handled = std::make_shared<std::atomic<int>>(0);
        const QByteArray big(256 * 1024, 'x');
        m_server->route(
            "GET", QStringLiteral("/big"),
            [handled, big](const HttpRequest &, const HttpPathParams &, HttpResponder r) {
                ++*handled;
                r.respond(HttpResponse(200, big, "text/plain"));
            });
        RawClient client(m_port);
        // The client's Qt buffer holds 4 KB, then the kernel's buffers fill and TCP stalls.
        client.socket().setReadBufferSize(4096);
        QVERIFY(client.waitConnected());
        constexpr int requests = 200; // 50 MB of replies
        QByteArray pipeline;
        for (int i = 0; i < requests; ++i)
            pipeline += get("/big");
        client.send(pipeline);

        QTRY_COMPARE(m_server->readPausedConnectionCount(), 1);
        // Only what the kernel's socket buffers absorb (a few MB) plus the bound was answered;
        // without back-pressure all 200 replies would sit in the server's memory.
        const int answered = *handled;
        QVERIFY2(answered < requests / 2, qPrintable(QString::number(answered)));
        QTest::qWait(100);
        QCOMPARE(int(*handled), answered);

        // A client that reads again gets every reply, in order.
        client.socket().setReadBufferSize(0);
        const QList<RawResponse> responses = client.read(requests, 30000);
        QCOMPARE(responses.size(), requests);
        QCOMPARE(int(*handled), requests);
        QCOMPARE(responses.last().body.size(), big.size());
        QCOMPARE(m_server->readPausedConnectionCount(), 0);
    }

    void slowEventStreamSubscriberIsDisconnected()
    {
        HttpServerOptions options;
        options.maxEventStreamQueueBytes = 64 * 1024;
        startServer(options);
        auto holder = std::make_shared<HttpEventStream>();
        m_server->route("GET", QStringLiteral("/events"),
                        [holder](const HttpRequest &, const HttpPathParams &, HttpResponder r) {
                            *holder = r.respondEventStream();
                        });
        RawClient client(m_port);
        client.socket().setReadBufferSize(4096);
        QVERIFY(client.waitConnected());
        client.send(get("/events"));
        QTRY_VERIFY(holder->isValid());
        QObject context;
        bool closed = false;
        holder->onClosed(&context, [&closed]() { closed = true; });

        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "Disconnecting slow event-stream subscriber 127\\.0\\.0\\.1:\\d+: "
                                 "\\d+ bytes unread exceed the limit of 65536")));
        const QByteArray payload(16 * 1024, 'e');
        int sent = 0;
        // At most 64 MB: far beyond what the kernel's buffers absorb.
        while (holder->isOpen() && sent < 4096) {
            holder->send("change", payload);
            ++sent;
            QCoreApplication::processEvents();
        }
        QVERIFY2(!holder->isOpen(), qPrintable(QString::number(sent)));
        QTRY_VERIFY(closed);
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void connectionsOverTheCapGet503()
    {
        HttpServerOptions options;
        options.maxConnections = 2;
        startServer(options);
        RawClient first(m_port);
        RawClient second(m_port);
        QVERIFY(first.waitConnected());
        QVERIFY(second.waitConnected());
        QTRY_COMPARE(m_server->connectionCount(), 2);

        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "Refusing a connection from 127\\.0\\.0\\.1: 2 connections "
                                 "are open \\(limit 2\\); answered 503")));
        RawClient third(m_port);
        QVERIFY(third.waitConnected());
        const RawResponse refused = third.readOne();
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QCOMPARE(refused.errorCode(), QStringLiteral("too-many-connections"));
        QVERIFY(third.waitDisconnected());
        QCOMPARE(m_server->refusedConnectionCount(), qint64(1));
        QCOMPARE(m_server->connectionCount(), 2);

        // The admitted ones work, and a freed place is taken again.
        first.send(get("/echo/1"));
        QCOMPARE(first.readOne().body, QByteArray("1"));
        second.socket().abort();
        QTRY_COMPARE(m_server->connectionCount(), 1);
        RawClient fourth(m_port);
        QVERIFY(fourth.waitConnected());
        fourth.send(get("/echo/4"));
        QCOMPARE(fourth.readOne().body, QByteArray("4"));
    }

    void slowRequestHeadGets408()
    {
        HttpServerOptions options;
        options.headTimeoutMs = 300;
        options.idleTimeoutMs = 60 * 1000;
        startServer(options);
        RawClient slow(m_port);
        QVERIFY(slow.waitConnected());
        slow.send("GET /echo/1 HTTP/1.1\r\nHost: x\r\n");
        // Slowloris: a header line every 50 ms keeps the connection active, never complete.
        QTimer drip;
        drip.setInterval(50);
        QObject::connect(&drip, &QTimer::timeout, &drip, [&slow]() { slow.send("X-A: b\r\n"); });
        drip.start();
        const RawResponse response = slow.readOne(5000);
        drip.stop();
        QCOMPARE(response.status, 408);
        QCOMPARE(response.errorCode(), QStringLiteral("request-timeout"));
        QVERIFY(slow.waitDisconnected());

        // The clock starts at a head's first byte: an idle keep-alive connection is not slow.
        RawClient idle(m_port);
        QVERIFY(idle.waitConnected());
        idle.send(get("/echo/2"));
        QCOMPARE(idle.readOne().body, QByteArray("2"));
        QTest::qWait(600);
        idle.send(get("/echo/3"));
        QCOMPARE(idle.readOne().body, QByteArray("3"));
    }

    void tokenIsRequiredWhenSet()
    {
        HttpServerOptions options;
        options.token = QStringLiteral("s3cret");
        startServer(options);
        RawClient client(m_port);
        QVERIFY(client.waitConnected());

        client.send(get("/echo/x"));
        RawResponse response = client.readOne();
        QCOMPARE(response.status, 401);
        QCOMPARE(response.errorCode(), QStringLiteral("unauthorized"));
        QCOMPARE(response.header("www-authenticate"), QByteArray("Bearer"));

        client.send(get("/echo/x", "Authorization: Bearer wrong\r\n"));
        response = client.readOne();
        QCOMPARE(response.status, 401);
        QVERIFY(response.errorMessage().contains(QStringLiteral("Invalid")));

        // Unknown routes do not leak their existence before authentication.
        client.send(get("/missing"));
        QCOMPARE(client.readOne().status, 401);

        client.send(get("/echo/x", "authorization: Bearer s3cret\r\n"));
        response = client.readOne();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("x"));
    }

    void nonLoopbackListenWithoutTokenIsRefused()
    {
        HttpServer server;
        const Result<quint16> any = server.listen(QHostAddress(QHostAddress::Any), 0);
        QVERIFY(!any.ok());
        QCOMPARE(any.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(any.error().message().contains(QStringLiteral("token")),
                 qPrintable(any.error().message()));
        QVERIFY(!server.isListening());
        QVERIFY(!server.listen(QHostAddress(QStringLiteral("10.1.2.3")), 0).ok());

        // Loopback is fine, and a second listen() says why it fails.
        const Result<quint16> local = server.listen(QHostAddress(QHostAddress::LocalHost), 0);
        QVERIFY(local.ok());
        const Result<quint16> again = server.listen(QHostAddress(QHostAddress::LocalHost), 0);
        QVERIFY(!again.ok());
        QVERIFY(again.error().message().contains(QStringLiteral("already")));

        // A port in use is a clear Network error.
        HttpServer other;
        const Result<quint16> busy = other.listen(QHostAddress(QHostAddress::LocalHost),
                                                  local.value());
        QVERIFY(!busy.ok());
        QCOMPARE(busy.error().code(), ErrorCode::Network);
    }

    void respondLaterFromAnotherThread()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/later/1"));
        QTRY_COMPARE(m_parked->size(), qsizetype(1));
        const HttpResponder responder = m_parked->responders.first();
        QVERIFY(responder.isPending());

        std::unique_ptr<QThread> worker(QThread::create([responder]() {
            QVERIFY(responder.respond(HttpResponse::text(202, QStringLiteral("from worker"))));
            // A second answer is a no-op.
            QVERIFY(!responder.respond(HttpResponse::text(500, QStringLiteral("twice"))));
        }));
        worker->start();
        const RawResponse response = client.readOne();
        QVERIFY(worker->wait(5000));
        QCOMPARE(response.status, 202);
        QCOMPARE(response.body, QByteArray("from worker"));
        QVERIFY(!responder.isPending());

        // Nothing extra was written for the second answer.
        client.send(get("/echo/next"));
        const RawResponse next = client.readOne();
        QCOMPARE(next.body, QByteArray("next"));
    }

    void respondAfterDisconnectIsHarmless()
    {
        {
            RawClient client(m_port);
            QVERIFY(client.waitConnected());
            client.send(get("/later/1"));
            QTRY_COMPARE(m_parked->size(), qsizetype(1));
            client.socket().abort();
        }
        const HttpResponder responder = m_parked->responders.first();
        QTRY_VERIFY(!responder.isConnected());
        QTRY_COMPARE(m_server->connectionCount(), 0);
        std::unique_ptr<QThread> worker(QThread::create([responder]() {
            responder.respond(HttpResponse::text(200, QStringLiteral("nobody listens")));
        }));
        worker->start();
        QVERIFY(worker->wait(5000));
        // Let any queued call run: it must find no connection.
        QCoreApplication::processEvents();
        m_server->close();
        responder.respond(HttpResponse::text(200, QStringLiteral("after close")));
        QCoreApplication::processEvents();
    }

    void pipelinedAnswersOutOfOrderGoOutInOrder()
    {
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        QByteArray requests;
        const int count = 6;
        for (int i = 0; i < count; ++i)
            requests += get("/later/" + QByteArray::number(i));
        client.send(requests);
        QTRY_COMPARE(m_parked->size(), qsizetype(count));

        // Answer from several threads in reverse order.
        std::vector<std::unique_ptr<QThread>> workers;
        for (int i = count - 1; i >= 0; --i) {
            const HttpResponder responder = m_parked->responders.at(i);
            const QByteArray path = m_parked->paths.at(i);
            workers.emplace_back(QThread::create(
                [responder, path]() { responder.respond(HttpResponse(200, path, "text/plain")); }));
            workers.back()->start();
            QVERIFY(workers.back()->wait(5000));
        }
        const QList<RawResponse> responses = client.read(count);
        QCOMPARE(responses.size(), count);
        for (int i = 0; i < count; ++i)
            QCOMPARE(responses.at(i).body, "/later/" + QByteArray::number(i));
    }

    void deepPipelinesAreThrottled()
    {
        HttpServerOptions options;
        options.maxPipelinedRequests = 2;
        startServer(options);
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        QByteArray requests;
        for (int i = 0; i < 5; ++i)
            requests += get("/later/" + QByteArray::number(i));
        client.send(requests);
        QTRY_COMPARE(m_parked->size(), qsizetype(2));
        QCoreApplication::processEvents();
        QCOMPARE(m_parked->size(), qsizetype(2));

        int answered = 0;
        while (answered < 5) {
            QTRY_VERIFY(m_parked->size() > answered);
            const HttpResponder responder = m_parked->responders.at(answered);
            responder.respond(HttpResponse(200, m_parked->paths.at(answered), "text/plain"));
            ++answered;
        }
        const QList<RawResponse> responses = client.read(5);
        QCOMPARE(responses.size(), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(responses.at(i).body, "/later/" + QByteArray::number(i));
    }

    void serverSentEventsInOrderAndDisconnectDetected()
    {
        struct Streams
        {
            QMutex mutex;
            QList<HttpEventStream> streams;
        };
        auto streams = std::make_shared<Streams>();
        m_server->route("GET", QStringLiteral("/events"),
                        [streams](const HttpRequest &, const HttpPathParams &, HttpResponder r) {
                            HttpResponse extra;
                            extra.setHeader("X-Feed", "changes");
                            QMutexLocker lock(&streams->mutex);
                            streams->streams.append(r.respondEventStream(extra));
                        });
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/events"));
        QTRY_COMPARE(streams->streams.size(), qsizetype(1));
        const HttpEventStream stream = streams->streams.first();
        QVERIFY(stream.isOpen());

        QObject context;
        bool closed = false;
        stream.onClosed(&context, [&closed]() { closed = true; });

        const int count = 200;
        std::unique_ptr<QThread> worker(QThread::create([stream]() {
            for (int i = 0; i < count; ++i)
                stream.send("change", "{\"seq\":" + QByteArray::number(i) + "}");
            stream.send({}, "two\nlines");
        }));
        worker->start();
        const QByteArray raw = client.readUntil("data: lines\n\n");
        QVERIFY(worker->wait(5000));
        QVERIFY2(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw.left(200).constData());
        QVERIFY(raw.contains("Content-Type: text/event-stream\r\n"));
        QVERIFY(raw.contains("X-Feed: changes\r\n"));
        const QByteArray events = raw.mid(raw.indexOf("\r\n\r\n") + 4);
        QByteArray expected;
        for (int i = 0; i < count; ++i)
            expected += "event: change\ndata: {\"seq\":" + QByteArray::number(i) + "}\n\n";
        expected += "data: two\ndata: lines\n\n";
        QCOMPARE(events, expected);

        QVERIFY(!closed);
        client.socket().abort();
        QTRY_VERIFY(closed);
        QVERIFY(!stream.isOpen());
        QVERIFY(!stream.send("late", "dropped"));

        // A callback added after the end still runs.
        bool lateCallback = false;
        stream.onClosed(&context, [&lateCallback]() { lateCallback = true; });
        QTRY_VERIFY(lateCallback);
    }

    void eventStreamCloseEndsConnection()
    {
        auto holder = std::make_shared<HttpEventStream>();
        m_server->route("GET", QStringLiteral("/events"),
                        [holder](const HttpRequest &, const HttpPathParams &, HttpResponder r) {
                            *holder = r.respondEventStream();
                            holder->send("hello", "world");
                        });
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/events"));
        QTRY_VERIFY(holder->isValid());
        holder->close();
        QVERIFY(client.waitDisconnected());
        const QByteArray raw = client.readUntil("never");
        QVERIFY(raw.endsWith("event: hello\ndata: world\n\n"));
        QVERIFY(!holder->isOpen());
    }

    void idleConnectionsAreClosed()
    {
        HttpServerOptions options;
        options.idleTimeoutMs = 100;
        startServer(options);
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        client.send(get("/echo/1"));
        QCOMPARE(client.readOne().body, QByteArray("1"));
        QVERIFY(client.waitDisconnected(5000));
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void manyConcurrentKeepAliveClients()
    {
        HttpLoadClient::Options options;
        options.port = m_port;
        options.connections = 64;
        options.totalRequests = 64 * 50;
        options.pathFor = [](qint64 index) { return "/echo/" + QByteArray::number(index); };
        options.check = [](qint64 index, int status, const QByteArray &body) {
            return status == 200 && body == QByteArray::number(index);
        };
        HttpLoadClient load(options);
        const HttpLoadClient::Report report = load.run();
        qInfo().noquote() << report.summary();
        QVERIFY2(report.errors.isEmpty(), qPrintable(report.errors.join(QLatin1Char('\n'))));
        QCOMPARE(report.completed, qint64(64 * 50));
        QCOMPARE(report.failed, qint64(0));
        QCOMPARE(report.mismatches, qint64(0));
        QCOMPARE(report.statusCounts.value(200), qint64(64 * 50));
        QVERIFY(!report.timedOut);
        QVERIFY(report.latencyP50Us <= report.latencyP99Us);
        QVERIFY(report.latencyP99Us <= report.latencyMaxUs);
        // All on keep-alive connections.
        QCOMPARE(m_server->connectionCount() <= 64, true);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
