// SPDX-License-Identifier: MIT
// The chat page of `durable serve` (/ui/chat/{class}/{name}) in a real browser: Debian's
// headless Chromium, driven over the DevTools protocol, against `durable serve --demo` as a
// child process. The reply grows as the model streams (a fake OpenAI-compatible server in this
// process), the history survives a reload, a human request is answered with its buttons, the
// page reconnects when the server comes back, text stays text, and a gateway token is passed on
// from the page's address.
//
// With DURABLE_SCREENSHOT_DIR set, the page is also saved there as chat-page.png (the README's
// screenshot).
#include "chromiumpage.h"
#include "fakeopenaiserver.h"
#include "httptestclient.h"
#include "servedprocess.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace DurableCliTest;
using Durable::Testing::ChromiumPage;
using Durable::Testing::FakeOpenAiServer;
using Durable::Testing::FakeResponse;

namespace {

const QString s_durable = QStringLiteral(DURABLE_CLI_PATH);

// A JavaScript string literal of text.
QString js(const QString &text)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

// `durable serve --demo` on its own data directory and an ephemeral port.
struct Served
{
    QTemporaryDir dir;
    std::unique_ptr<ServedProcess> process;
    quint16 port = 0;

    explicit Served(const QStringList &extra = {}, const QProcessEnvironment &environment =
                                                       QProcessEnvironment::systemEnvironment())
    {
        process = std::make_unique<ServedProcess>(
            s_durable,
            QStringList {QStringLiteral("serve"), QStringLiteral("--demo"),
                         QStringLiteral("--data"), dir.path(), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet"),
                         QStringLiteral("--workers"), QStringLiteral("2")} +
                extra);
        process->process().setProcessEnvironment(environment);
        port = process->start();
    }

    QUrl url(const QString &path, const QString &query = {}) const
    {
        QUrl url(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
        if (!query.isEmpty())
            url.setQuery(query);
        return url;
    }
};

} // namespace

class TestChatPage : public QObject
{
    Q_OBJECT

    ChromiumPage m_browser;

    // Types text into the composer and presses Send, as a person would (DOM events).
    bool send(const QString &text)
    {
        QString error;
        const QJsonValue sent = m_browser.evaluate(QStringLiteral(R"((() => {
    const box = document.getElementById('text');
    box.focus();
    box.value = %1;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const button = document.getElementById('send');
    if (button.disabled)
        return false;
    button.click();
    return true;
})())")
                                                       .arg(js(text)),
                                                   &error);
        if (!error.isEmpty())
            qWarning().noquote() << "send:" << error;
        return sent.toBool();
    }

    // Clicks the element selector names; false if there is none.
    bool click(const QString &selector)
    {
        return m_browser
            .evaluate(QStringLiteral("(() => { const e = document.querySelector(%1); "
                                     "if (!e) return false; e.click(); return true; })()")
                          .arg(js(selector)))
            .toBool();
    }

    // Waits until a committed (not streaming) message of role has exactly text.
    bool waitForMessage(const QString &role, const QString &text, QString *seen = nullptr,
                        int timeoutMs = 20000)
    {
        return m_browser.waitFor(
            QStringLiteral(
                "[...document.querySelectorAll('.message.%1:not(.streaming):not(.sending) "
                ".bubble')].some((b) => b.textContent === %2)")
                .arg(role, js(text)),
            timeoutMs, seen);
    }

    bool waitConnected(QString *seen)
    {
        return m_browser.waitFor(
            QStringLiteral("document.getElementById('status').dataset.state === 'connected' && "
                           "document.getElementById('status').dataset.state"),
            20000, seen);
    }

    // What the page shows, for failure messages.
    QString pageText()
    {
        return m_browser.evaluate(QStringLiteral("document.body.innerText")).toString() +
               QStringLiteral("\nconsole:\n") + m_browser.consoleMessages().join(QLatin1Char('\n'));
    }

private slots:
    void initTestCase()
    {
        QNetworkProxyFactory::setUseSystemConfiguration(false);
        const QString error = m_browser.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(m_browser.setViewport(900, 880), QString());
    }

    void cleanupTestCase() { m_browser.shutdown(); }

    // Plain HTTP: the page, its two files with their types, and a clear 404 for anything else.
    void servesThePageAndItsFiles()
    {
        Served served;
        QVERIFY2(served.port != 0, qPrintable(served.process->standardError()));
        HttpTestClient client(served.port);

        const HttpTestResponse page = client.get("/ui/chat/Assistant/me");
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(page.header("cache-control"), QByteArray("no-cache"));
        QVERIFY2(page.body.contains("src=\"/ui/static/chat.js\""), page.body.constData());

        const HttpTestResponse script = client.get("/ui/static/chat.js");
        QCOMPARE(script.status, 200);
        QCOMPARE(script.header("content-type"), QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(script.header("cache-control"), QByteArray("no-cache"));
        const HttpTestResponse style = client.get("/ui/static/chat.css");
        QCOMPARE(style.status, 200);
        QCOMPARE(style.header("content-type"), QByteArray("text/css; charset=utf-8"));

        const HttpTestResponse missing = client.get("/ui/static/chat.html");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.errorCode(), QStringLiteral("not-found"));
        QVERIFY2(missing.errorMessage().contains("\"chat.html\"") &&
                     missing.errorMessage().contains("chat.css, chat.js"),
                 qPrintable(missing.errorMessage()));
    }

    // The reply grows in the page as the model streams it, then is the committed answer, and
    // the conversation is still there after a reload.
    void theReplyGrowsAsTheModelStreams()
    {
        FakeOpenAiServer model;
        QVERIFY(model.listen());
        const QStringList pieces {QStringLiteral("Durable "), QStringLiteral("objects "),
                                  QStringLiteral("keep "),    QStringLiteral("their "),
                                  QStringLiteral("state "),   QStringLiteral("across "),
                                  QStringLiteral("restarts.")};
        const QString answer = pieces.join(QString());
        model.enqueue(FakeResponse::textStream(pieces, 100));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("OPENAI_BASE_URL"), model.baseUrl().toString());
        environment.insert(QStringLiteral("OPENAI_MODEL"), QStringLiteral("fake-model"));
        environment.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("test-key"));
        Served served({QStringLiteral("--model"), QStringLiteral("openai")}, environment);
        QVERIFY2(served.port != 0, qPrintable(served.process->standardError()));

        QCOMPARE(m_browser.navigate(served.url(QStringLiteral("/ui/chat/Assistant/streamer"))),
                 QString());
        QString seen;
        QVERIFY2(waitConnected(&seen), qPrintable(seen + QLatin1Char('\n') + pageText()));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.getElementById('object-name')"
                                                   ".textContent")),
                 QJsonValue(QStringLiteral("streamer")));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.getElementById('empty').hidden")),
                 QJsonValue(false));

        // Every text the streaming bubble shows, in order.
        QString error;
        m_browser.evaluate(QStringLiteral(R"((() => {
    window.streamed = [];
    new MutationObserver(() => {
        const bubble = document.querySelector('.message.streaming .bubble');
        if (bubble && bubble.textContent !== window.streamed[window.streamed.length - 1])
            window.streamed.push(bubble.textContent);
    }).observe(document.getElementById('messages'),
               { subtree: true, childList: true, characterData: true });
    return true;
})())"),
                           &error);
        QCOMPARE(error, QString());

        const QString question = QStringLiteral("What do durable objects do?");
        QVERIFY(send(question));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"), answer, &seen),
                 qPrintable(seen + QLatin1Char('\n') + pageText()));
        QVERIFY2(m_browser.waitFor(QStringLiteral("!document.querySelector('.streaming')")),
                 qPrintable(pageText()));

        // Before the answer committed the page showed it growing: more than one strict prefix.
        const QJsonArray streamed = m_browser.evaluate(QStringLiteral("window.streamed")).toArray();
        QStringList partial;
        for (const QJsonValue &text : streamed) {
            QVERIFY2(answer.startsWith(text.toString()), qPrintable(text.toString()));
            if (!text.toString().isEmpty() && text.toString() != answer)
                partial.append(text.toString());
        }
        QVERIFY2(partial.size() >= 2, qPrintable(partial.join(QStringLiteral(" | "))));
        for (qsizetype i = 1; i < partial.size(); ++i)
            QVERIFY(partial.at(i).size() > partial.at(i - 1).size());
        QVERIFY(model.requests().last().json().value(QStringLiteral("stream")).toBool());

        QCOMPARE(m_browser.reload(), QString());
        QVERIFY2(waitConnected(&seen), qPrintable(seen));
        QVERIFY2(waitForMessage(QStringLiteral("user"), question, &seen), qPrintable(pageText()));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"), answer, &seen),
                 qPrintable(pageText()));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.querySelectorAll('.message').length")),
                 QJsonValue(2));
    }

    // "forget" opens a human request: the page shows it with Approve and Reject, and the
    // agent's answer arrives once a button was pressed.
    void aHumanRequestIsAnsweredWithItsButtons()
    {
        Served served;
        QVERIFY2(served.port != 0, qPrintable(served.process->standardError()));
        QCOMPARE(m_browser.navigate(served.url(QStringLiteral("/ui/chat/Assistant/me"))),
                 QString());
        QString seen;
        QVERIFY2(waitConnected(&seen), qPrintable(seen + QLatin1Char('\n') + pageText()));

        QVERIFY(send(QStringLiteral("remember I like green tea")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("I will remember that I like green tea."), &seen),
                 qPrintable(pageText()));
        QVERIFY(send(QStringLiteral("remember I live in Oslo")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("I will remember that I live in Oslo."), &seen),
                 qPrintable(pageText()));

        // Approve: the facts go.
        QVERIFY(send(QStringLiteral("forget what you know about me")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("I asked you to confirm that I should forget 2 "
                                               "facts."),
                                &seen),
                 qPrintable(pageText()));
        QVERIFY2(m_browser.waitFor(QStringLiteral(
                     "document.querySelectorAll('.request').length === 1 && "
                     "document.querySelector('.request-title').textContent === 'Forget 2 facts?' "
                     "&& !document.getElementById('requests').hidden && "
                     "[...document.querySelectorAll('.request button')].map((b) => b.textContent)"
                     ".join() === 'Approve,Reject'")),
                 qPrintable(pageText()));
        QVERIFY(m_browser
                    .evaluate(QStringLiteral("document.querySelector('.request-prompt')"
                                             ".textContent.includes('- I live in Oslo')"))
                    .toBool());
        const QString screenshotDir = qEnvironmentVariable("DURABLE_SCREENSHOT_DIR");
        if (!screenshotDir.isEmpty()) {
            const QString error = m_browser.screenshot(
                QDir(screenshotDir).filePath(QStringLiteral("chat-page.png")));
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        QVERIFY(click(QStringLiteral(".request button[data-action=\"approve\"]")));
        QVERIFY2(
            waitForMessage(QStringLiteral("assistant"), QStringLiteral("I forgot 2 facts."), &seen),
            qPrintable(pageText()));
        QVERIFY2(m_browser.waitFor(QStringLiteral("document.getElementById('requests').hidden && "
                                                  "document.querySelectorAll('.request')"
                                                  ".length === 0")),
                 qPrintable(pageText()));
        QVERIFY2(
            m_browser.waitFor(QStringLiteral(
                "JSON.parse(document.getElementById('state').textContent).facts.length === 0")),
            qPrintable(pageText()));

        // Reject: the fact stays.
        QVERIFY(send(QStringLiteral("remember I like coffee")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("I will remember that I like coffee."), &seen),
                 qPrintable(pageText()));
        QVERIFY(send(QStringLiteral("forget it")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("I asked you to confirm that I should forget 1 "
                                               "fact."),
                                &seen),
                 qPrintable(pageText()));
        QVERIFY2(m_browser.waitFor(QStringLiteral(
                     "document.querySelector('.request-title')?.textContent === 'Forget 1 fact?'")),
                 qPrintable(pageText()));
        QVERIFY(click(QStringLiteral(".request button[data-action=\"reject\"]")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"), QStringLiteral("I keep what I know."),
                                &seen),
                 qPrintable(pageText()));
        QVERIFY2(m_browser.waitFor(QStringLiteral("document.getElementById('requests').hidden")),
                 qPrintable(pageText()));
        QCOMPARE(m_browser.evaluate(QStringLiteral(
                     "JSON.parse(document.getElementById('state').textContent).facts")),
                 QJsonValue(QJsonArray {QStringLiteral("I like coffee")}));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.getElementById('error').hidden")),
                 QJsonValue(true));

        HttpTestClient client(served.port);
        const HttpTestResponse inbox = client.get("/inbox?class=Assistant");
        QCOMPARE(inbox.status, 200);
        QCOMPARE(inbox.json().value(QStringLiteral("requests")).toArray().size(), 0);
    }

    // The page reconnects by itself when the server comes back, and the conversation is the
    // one the data directory kept.
    void itReconnectsWhenTheServerComesBack()
    {
        QTemporaryDir dir;
        const auto serve = [&dir](const QString &listen) {
            return std::make_unique<ServedProcess>(
                s_durable,
                QStringList {QStringLiteral("serve"), QStringLiteral("--demo"),
                             QStringLiteral("--data"), dir.path(), QStringLiteral("--listen"),
                             listen, QStringLiteral("--quiet")});
        };
        const auto first = serve(QStringLiteral("127.0.0.1:0"));
        const quint16 port = first->start();
        QVERIFY2(port != 0, qPrintable(first->standardError()));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/ui/chat/Assistant/again").arg(port));
        QCOMPARE(m_browser.navigate(url), QString());
        QString seen;
        QVERIFY2(waitConnected(&seen), qPrintable(seen + QLatin1Char('\n') + pageText()));
        QVERIFY(send(QStringLiteral("hello before")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("You said: hello before"), &seen),
                 qPrintable(pageText()));

        QCOMPARE(first->terminate(), 0);
        QVERIFY2(m_browser.waitFor(QStringLiteral(
                     "document.getElementById('status').dataset.state === 'reconnecting'")),
                 qPrintable(pageText()));
        const auto second = serve(QStringLiteral("127.0.0.1:%1").arg(port));
        QCOMPARE(second->start(), port);
        // The backoff is at most 10 s.
        QVERIFY2(m_browser.waitFor(QStringLiteral("document.getElementById('status').dataset.state "
                                                  "=== 'connected'"),
                                   30000, &seen),
                 qPrintable(seen + QLatin1Char('\n') + pageText()));
        QVERIFY(send(QStringLiteral("hello after")));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"),
                                QStringLiteral("You said: hello after"), &seen),
                 qPrintable(pageText()));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.querySelectorAll('.message').length")),
                 QJsonValue(4));
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.getElementById('error').hidden")),
                 QJsonValue(true));
    }

    // With --token the page works when opened with ?access_token= (scripts, WebSocket, inbox),
    // and without it the browser shows why not.
    void aTokenInTheAddressIsPassedOn()
    {
        Served served({QStringLiteral("--token"), QStringLiteral("s3cret-token")});
        QVERIFY2(served.port != 0, qPrintable(served.process->standardError()));

        QCOMPARE(m_browser.navigate(served.url(QStringLiteral("/ui/chat/Assistant/guarded"),
                                               QStringLiteral("access_token=s3cret-token"))),
                 QString());
        QString seen;
        QVERIFY2(waitConnected(&seen), qPrintable(seen + QLatin1Char('\n') + pageText()));
        QVERIFY(send(QStringLiteral("hello")));
        QVERIFY2(
            waitForMessage(QStringLiteral("assistant"), QStringLiteral("You said: hello"), &seen),
            qPrintable(pageText()));
        // What people and the model write stays text.
        const QString markup = QStringLiteral("<b>bold</b> & <img src=x onerror=alert(1)>");
        QVERIFY(send(markup));
        QVERIFY2(waitForMessage(QStringLiteral("assistant"), QStringLiteral("You said: ") + markup,
                                &seen),
                 qPrintable(pageText()));
        QCOMPARE(m_browser.evaluate(QStringLiteral(
                     "document.querySelectorAll('#messages b, #messages img').length")),
                 QJsonValue(0));
        // The inbox answered too (it is read on connecting): no error banner.
        QCOMPARE(m_browser.evaluate(QStringLiteral("document.getElementById('error').hidden")),
                 QJsonValue(true));

        for (const QString &query : {QString(), QStringLiteral("access_token=wrong")}) {
            QCOMPARE(
                m_browser.navigate(served.url(QStringLiteral("/ui/chat/Assistant/guarded"), query)),
                QString());
            QVERIFY2(m_browser.waitFor(
                         QStringLiteral("document.body.innerText.includes('unauthorized')")),
                     qPrintable(query + QLatin1Char('\n') + pageText()));
        }
    }
};

QTEST_GUILESS_MAIN(TestChatPage)
#include "tst_chatpage.moc"
