// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

class QWebSocket;

namespace Durable::Testing {

// One page of a headless Chromium (Debian's /usr/bin/chromium), driven over the Chrome DevTools
// Protocol: a small client on QWebSocket for tests of web pages in a real browser.
//
// start() runs the browser with a profile of its own (a temporary directory) and a debugging
// port it picks, reads the port from <profile>/DevToolsActivePort, finds the page through
// http://127.0.0.1:<port>/json/list and connects to it. Every call waits on the caller's event
// loop (never a sleep), so servers of the same thread keep running. Lives on the thread that
// created it. Failures come back as messages for QVERIFY2; a missing browser names the Debian
// package to install.
class ChromiumPage : public QObject
{
    Q_OBJECT
public:
    explicit ChromiumPage(QObject *parent = nullptr);
    // Closes the browser (shutdown()).
    ~ChromiumPage() override;

    // The browser the tests use; DURABLE_CHROMIUM overrides it.
    static QString browserPath();

    // Starts the browser and attaches to its page; an empty string on success, else why not.
    QString start(int timeoutMs = 30000);
    bool isRunning() const;

    // Sets the page's viewport (CSS pixels, device scale factor 1), e.g. for a screenshot.
    QString setViewport(int width, int height);
    // Loads url and waits for its load event; an empty string on success, else why not.
    QString navigate(const QUrl &url, int timeoutMs = 15000);
    QString reload(int timeoutMs = 15000) { return navigate(m_url, timeoutMs); }

    // Runtime.evaluate of a JavaScript expression, its result by value (a promise is awaited).
    // On failure (a thrown exception, a result that is not JSON, no answer) the result is
    // undefined and *error says why.
    QJsonValue evaluate(const QString &expression, QString *error = nullptr, int timeoutMs = 10000);
    // Evaluates condition until it is truthy, letting the event loop run in between; false
    // after timeoutMs. *lastValue gets its last value (or error), for failure messages.
    bool waitFor(const QString &condition, int timeoutMs = 10000, QString *lastValue = nullptr);
    // A PNG of the viewport, written to path; an empty string on success, else why not.
    QString screenshot(const QString &path);

    // What the page logged (console calls and uncaught exceptions), one line each.
    QStringList consoleMessages() const { return m_console; }
    // The browser's own output (stderr), for failure messages.
    QString browserOutput();

    // Browser.close, then a kill if it has not exited within timeoutMs.
    void shutdown(int timeoutMs = 5000);

private:
    struct Answer
    {
        QJsonObject result;
        QString error; // empty when the command succeeded
    };

    // Sends one command on socket and waits for its answer.
    Answer command(QWebSocket *socket, const QString &method, const QJsonObject &params = {},
                   int timeoutMs = 10000);
    void onMessage(const QString &text);
    QString connectTo(QWebSocket *socket, const QUrl &url, int timeoutMs);

    QProcess m_process;
    std::unique_ptr<QTemporaryDir> m_profile;
    QWebSocket *m_browser = nullptr; // the browser's endpoint (Browser.close)
    QWebSocket *m_page = nullptr;    // the page's endpoint (everything else)
    QUrl m_url;
    int m_nextId = 1;
    QHash<int, QJsonObject> m_answers;
    int m_loadEvents = 0;
    QStringList m_console;
    QByteArray m_output;
};

} // namespace Durable::Testing
