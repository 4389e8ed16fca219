// SPDX-License-Identifier: MIT
#include "chromiumpage.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>
#include <QWebSocket>

namespace Durable::Testing {

namespace {

// JavaScript's truthiness of a value that came back by value.
bool isTruthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double:
        return value.toDouble() != 0;
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    }
    return false;
}

QString compact(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("undefined");
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(
        QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

int remainingMs(const QDeadlineTimer &deadline)
{
    return int(qMax<qint64>(0, deadline.remainingTime()));
}

} // namespace

ChromiumPage::ChromiumPage(QObject *parent) : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] { m_output += m_process.readAll(); });
}

ChromiumPage::~ChromiumPage()
{
    shutdown();
}

QString ChromiumPage::browserPath()
{
    const QString overridden = qEnvironmentVariable("DURABLE_CHROMIUM");
    return overridden.isEmpty() ? QStringLiteral("/usr/bin/chromium") : overridden;
}

QString ChromiumPage::start(int timeoutMs)
{
    const QString program = browserPath();
    if (!QFileInfo(program).isExecutable()) {
        return (QStringLiteral("No Chromium at %1: these tests drive a real browser. Install "
                               "Debian's \"chromium\" package (apt-get install chromium, or "
                               "packaging/install-deps.sh), or point DURABLE_CHROMIUM at a "
                               "Chromium binary")
                    .arg(program));
    }
    const QDeadlineTimer deadline(timeoutMs);
    m_profile = std::make_unique<QTemporaryDir>();
    if (!m_profile->isValid())
        return (QStringLiteral("Could not create a profile directory for Chromium: %1")
                    .arg(m_profile->errorString()));
    m_process.start(program,
                    {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                     QStringLiteral("--disable-gpu"), QStringLiteral("--disable-dev-shm-usage"),
                     QStringLiteral("--no-first-run"), QStringLiteral("--no-default-browser-check"),
                     QStringLiteral("--disable-extensions"), QStringLiteral("--disable-sync"),
                     QStringLiteral("--disable-background-networking"),
                     QStringLiteral("--disable-component-update"),
                     // Pages of tests live on 127.0.0.1: never ask a proxy for them.
                     QStringLiteral("--no-proxy-server"), QStringLiteral("--hide-scrollbars"),
                     QStringLiteral("--mute-audio"), QStringLiteral("--window-size=1000,800"),
                     QStringLiteral("--remote-debugging-port=0"),
                     QStringLiteral("--user-data-dir=") + m_profile->path(),
                     QStringLiteral("about:blank")});
    if (!m_process.waitForStarted(remainingMs(deadline)))
        return (QStringLiteral("Could not start %1: %2").arg(program, m_process.errorString()));

    // The browser writes the port it picked and its own endpoint's path, one per line.
    const QString portFile = m_profile->filePath(QStringLiteral("DevToolsActivePort"));
    QStringList lines;
    (void)QTest::qWaitFor(
        [&] {
            QFile file(portFile);
            if (file.open(QIODevice::ReadOnly))
                lines =
                    QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            return lines.size() >= 2 || m_process.state() == QProcess::NotRunning;
        },
        remainingMs(deadline));
    if (lines.size() < 2) {
        return (QStringLiteral("Chromium did not write %1 within %2 ms (%3). Its output:\n%4")
                    .arg(portFile)
                    .arg(timeoutMs)
                    .arg(m_process.state() == QProcess::NotRunning
                             ? QStringLiteral("it exited")
                             : QStringLiteral("it is still running"),
                         browserOutput()));
    }
    const int port = lines.at(0).trimmed().toInt();
    const QString browserEndpoint = lines.at(1).trimmed();

    // The page: /json/list names each target and its endpoint; about:blank may take a moment.
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QUrl pageEndpoint;
    QString listError;
    while (pageEndpoint.isEmpty() && !deadline.hasExpired()) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/json/list").arg(port)));
        QNetworkReply *reply = network.get(request);
        (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, remainingMs(deadline));
        if (reply->isFinished() && reply->error() == QNetworkReply::NoError) {
            const QJsonArray targets = QJsonDocument::fromJson(reply->readAll()).array();
            for (const QJsonValue &target : targets) {
                if (target.toObject().value(QStringLiteral("type")).toString() ==
                    QLatin1String("page")) {
                    pageEndpoint = QUrl(
                        target.toObject().value(QStringLiteral("webSocketDebuggerUrl")).toString());
                    break;
                }
            }
        } else {
            listError = reply->errorString();
        }
        delete reply;
        if (pageEndpoint.isEmpty())
            QTest::qWait(50);
    }
    if (pageEndpoint.isEmpty())
        return (QStringLiteral("Chromium listed no page on port %1 within %2 ms (%3)")
                    .arg(port)
                    .arg(timeoutMs)
                    .arg(listError));

    m_browser = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_page = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    for (QWebSocket *socket : {m_browser, m_page}) {
        socket->setProxy(QNetworkProxy::NoProxy);
        connect(socket, &QWebSocket::textMessageReceived, this, &ChromiumPage::onMessage);
    }
    QString error = connectTo(
        m_browser, QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(browserEndpoint)),
        remainingMs(deadline));
    if (error.isEmpty())
        error = connectTo(m_page, pageEndpoint, remainingMs(deadline));
    if (!error.isEmpty())
        return error;
    for (const QString &domain :
         {QStringLiteral("Page.enable"), QStringLiteral("Runtime.enable")}) {
        const Answer answer = command(m_page, domain, {}, remainingMs(deadline));
        if (!answer.error.isEmpty())
            return answer.error;
    }
    return {};
}

QString ChromiumPage::connectTo(QWebSocket *socket, const QUrl &url, int timeoutMs)
{
    socket->open(url);
    (void)QTest::qWaitFor(
        [socket] {
            return socket->state() == QAbstractSocket::ConnectedState ||
                   socket->state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (socket->state() != QAbstractSocket::ConnectedState)
        return (QStringLiteral("Could not connect to Chromium's DevTools at %1: %2")
                    .arg(url.toString(), socket->errorString()));
    return {};
}

bool ChromiumPage::isRunning() const
{
    return m_process.state() == QProcess::Running && m_page &&
           m_page->state() == QAbstractSocket::ConnectedState;
}

ChromiumPage::Answer ChromiumPage::command(QWebSocket *socket, const QString &method,
                                           const QJsonObject &params, int timeoutMs)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return {{}, QStringLiteral("%1: not connected to Chromium").arg(method)};
    const int id = m_nextId++;
    socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(QJsonObject {{QStringLiteral("id"), id},
                                                     {QStringLiteral("method"), method},
                                                     {QStringLiteral("params"), params}})
                              .toJson(QJsonDocument::Compact)));
    (void)QTest::qWaitFor(
        [&] {
            return m_answers.contains(id) || socket->state() != QAbstractSocket::ConnectedState;
        },
        timeoutMs);
    if (!m_answers.contains(id)) {
        return {{},
                socket->state() == QAbstractSocket::ConnectedState
                    ? QStringLiteral("%1: Chromium did not answer within %2 ms")
                          .arg(method)
                          .arg(timeoutMs)
                    : QStringLiteral("%1: the connection to Chromium closed").arg(method)};
    }
    const QJsonObject answer = m_answers.take(id);
    if (answer.contains(QStringLiteral("error"))) {
        const QJsonObject error = answer.value(QStringLiteral("error")).toObject();
        return {{},
                QStringLiteral("%1 failed: %2 %3")
                    .arg(method, error.value(QStringLiteral("message")).toString(),
                         error.value(QStringLiteral("data")).toString())
                    .trimmed()};
    }
    return {answer.value(QStringLiteral("result")).toObject(), {}};
}

void ChromiumPage::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (message.contains(QStringLiteral("id"))) {
        m_answers.insert(message.value(QStringLiteral("id")).toInt(), message);
        return;
    }
    const QString method = message.value(QStringLiteral("method")).toString();
    const QJsonObject params = message.value(QStringLiteral("params")).toObject();
    if (method == QLatin1String("Page.loadEventFired")) {
        ++m_loadEvents;
    } else if (method == QLatin1String("Runtime.consoleAPICalled")) {
        QStringList parts;
        for (const QJsonValue &argument : params.value(QStringLiteral("args")).toArray()) {
            const QJsonObject object = argument.toObject();
            parts.append(object.contains(QStringLiteral("value"))
                             ? compact(object.value(QStringLiteral("value")))
                             : object.value(QStringLiteral("description")).toString());
        }
        m_console.append(params.value(QStringLiteral("type")).toString() + QStringLiteral(": ") +
                         parts.join(QLatin1Char(' ')));
    } else if (method == QLatin1String("Runtime.exceptionThrown")) {
        const QJsonObject details = params.value(QStringLiteral("exceptionDetails")).toObject();
        const QString description =
            details.value(QStringLiteral("exception")).toObject().value("description").toString();
        m_console.append(QStringLiteral("exception: ") +
                         (description.isEmpty() ? details.value(QStringLiteral("text")).toString()
                                                : description));
    }
}

QString ChromiumPage::setViewport(int width, int height)
{
    return command(m_page, QStringLiteral("Emulation.setDeviceMetricsOverride"),
                   {{QStringLiteral("width"), width},
                    {QStringLiteral("height"), height},
                    {QStringLiteral("deviceScaleFactor"), 1},
                    {QStringLiteral("mobile"), false}})
        .error;
}

QString ChromiumPage::navigate(const QUrl &url, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const int loadsBefore = m_loadEvents;
    const Answer answer = command(m_page, QStringLiteral("Page.navigate"),
                                  {{QStringLiteral("url"), url.toString()}}, timeoutMs);
    if (!answer.error.isEmpty())
        return answer.error;
    const QString navigationError = answer.result.value(QStringLiteral("errorText")).toString();
    if (!navigationError.isEmpty())
        return QStringLiteral("Could not open %1: %2").arg(url.toString(), navigationError);
    m_url = url;
    if (!QTest::qWaitFor([&] { return m_loadEvents > loadsBefore; }, remainingMs(deadline)))
        return QStringLiteral("%1 did not finish loading within %2 ms")
            .arg(url.toString())
            .arg(timeoutMs);
    return {};
}

QJsonValue ChromiumPage::evaluate(const QString &expression, QString *error, int timeoutMs)
{
    const Answer answer = command(m_page, QStringLiteral("Runtime.evaluate"),
                                  {{QStringLiteral("expression"), expression},
                                   {QStringLiteral("returnByValue"), true},
                                   {QStringLiteral("awaitPromise"), true}},
                                  timeoutMs);
    QString failure = answer.error;
    QJsonValue value = QJsonValue::Undefined;
    if (failure.isEmpty()) {
        const QJsonObject details =
            answer.result.value(QStringLiteral("exceptionDetails")).toObject();
        if (!details.isEmpty()) {
            const QString description = details.value(QStringLiteral("exception"))
                                            .toObject()
                                            .value(QStringLiteral("description"))
                                            .toString();
            failure = description.isEmpty() ? details.value(QStringLiteral("text")).toString()
                                            : description;
        } else {
            const QJsonObject result = answer.result.value(QStringLiteral("result")).toObject();
            if (result.contains(QStringLiteral("value")))
                value = result.value(QStringLiteral("value"));
            else if (result.value(QStringLiteral("type")).toString() != QLatin1String("undefined"))
                failure = QStringLiteral("the result is not JSON: ") +
                          result.value(QStringLiteral("description")).toString();
        }
    }
    if (error)
        *error = failure;
    return value;
}

bool ChromiumPage::waitFor(const QString &condition, int timeoutMs, QString *lastValue)
{
    // The page polls the condition itself (every 20 ms) and answers once it holds or its time
    // is up; meanwhile this thread's event loop runs. A navigation ends that promise: ask again.
    const QDeadlineTimer deadline(timeoutMs);
    QString last;
    do {
        const int slice = remainingMs(deadline);
        const QString poll = QStringLiteral(R"((() => new Promise((resolve) => {
    const until = Date.now() + %1;
    const check = () => {
        let value;
        try { value = (%2); } catch (e) { value = 'threw: ' + e; }
        if (value || Date.now() >= until) {
            let shown;
            try { shown = JSON.stringify(value); } catch (e) { shown = String(value); }
            resolve({ ok: !!value && !(typeof value === 'string' && value.startsWith('threw: ')),
                      value: shown === undefined ? 'undefined' : shown });
        } else {
            setTimeout(check, 20);
        }
    };
    check();
}))())")
                                 .arg(slice)
                                 .arg(condition);
        QString error;
        const QJsonValue answer = evaluate(poll, &error, slice + 5000);
        if (error.isEmpty()) {
            last = answer.toObject().value(QStringLiteral("value")).toString();
            if (isTruthy(answer.toObject().value(QStringLiteral("ok")))) {
                if (lastValue)
                    *lastValue = last;
                return true;
            }
        } else {
            last = error;
            QTest::qWait(20);
        }
    } while (!deadline.hasExpired());
    if (lastValue)
        *lastValue = last;
    return false;
}

QString ChromiumPage::screenshot(const QString &path)
{
    const Answer answer = command(m_page, QStringLiteral("Page.captureScreenshot"),
                                  {{QStringLiteral("format"), QStringLiteral("png")}}, 30000);
    if (!answer.error.isEmpty())
        return answer.error;
    const QByteArray png = QByteArray::fromBase64(
        answer.result.value(QStringLiteral("data")).toString().toLatin1());
    if (png.isEmpty())
        return QStringLiteral("Page.captureScreenshot returned no image");
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(png) != png.size())
        return QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
    return {};
}

QString ChromiumPage::browserOutput()
{
    m_output += m_process.readAll();
    return QString::fromLocal8Bit(m_output);
}

void ChromiumPage::shutdown(int timeoutMs)
{
    if (m_process.state() != QProcess::NotRunning) {
        if (m_browser && m_browser->state() == QAbstractSocket::ConnectedState)
            command(m_browser, QStringLiteral("Browser.close"), {}, timeoutMs);
        if (!m_process.waitForFinished(timeoutMs)) {
            m_process.kill();
            m_process.waitForFinished(timeoutMs);
        }
    }
    for (QWebSocket **socket : {&m_browser, &m_page}) {
        if (*socket) {
            (*socket)->abort();
            delete *socket;
            *socket = nullptr;
        }
    }
    m_answers.clear();
    m_profile.reset();
}

} // namespace Durable::Testing
