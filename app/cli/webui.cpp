// SPDX-License-Identifier: MIT
#include "webui.h"

#include "httpserver.h"

#include <QFile>
#include <QHash>
#include <QThread>
#include <QUrl>

static void initWebResources()
{
    // The files live in a static library: pull its resources in explicitly.
    Q_INIT_RESOURCE(web);
}

namespace Durable::Cli {

namespace {

struct StaticFile
{
    QByteArray body;
    QByteArray contentType;
};

QByteArray readResource(const QString &name)
{
    QFile file(QStringLiteral(":/durable/web/") + name);
    const bool opened = file.open(QIODevice::ReadOnly);
    Q_ASSERT_X(opened, "WebUi", "a file of resources/web/web.qrc is missing");
    return opened ? file.readAll() : QByteArray();
}

// No caching (a rebuilt `durable` serves new files at once), no sniffing, and a policy that
// allows only the page's own files and its own origin: text that reaches the page can never
// run as script.
HttpResponse pageResponse(const QByteArray &body, const QByteArray &contentType)
{
    HttpResponse response(200, body, contentType);
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; "
                       "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                       "form-action 'none'; frame-ancestors 'none'");
    response.setHeader("Referrer-Policy", "no-referrer");
    return response;
}

} // namespace

void WebUi::install(HttpServer *server)
{
    Q_ASSERT(QThread::currentThread() == server->thread());
    initWebResources();

    const QByteArray chatHtml = readResource(QStringLiteral("chat.html"));
    server->route(
        "GET", QStringLiteral("/ui/chat/{class}/{name}"),
        [chatHtml](const HttpRequest &request, const HttpPathParams &, HttpResponder responder) {
            // The page's scripts and styles need the token the page was opened with.
            const QString token = request.query().queryItemValue(QStringLiteral("access_token"),
                                                                 QUrl::FullyDecoded);
            const QByteArray query = token.isEmpty()
                                         ? QByteArray()
                                         : "?access_token=" + QUrl::toPercentEncoding(token);
            QByteArray html = chatHtml;
            html.replace("{{query}}", query);
            responder.respond(pageResponse(html, "text/html; charset=utf-8"));
        });

    const QHash<QString, StaticFile> files {
        {QStringLiteral("chat.js"),
         {readResource(QStringLiteral("chat.js")), "text/javascript; charset=utf-8"}},
        {QStringLiteral("chat.css"),
         {readResource(QStringLiteral("chat.css")), "text/css; charset=utf-8"}},
    };
    server->route(
        "GET", QStringLiteral("/ui/static/{file}"),
        [files](const HttpRequest &, const HttpPathParams &params, HttpResponder responder) {
            const QString name = params.value(QStringLiteral("file"));
            const auto file = files.constFind(name);
            if (file == files.cend()) {
                QStringList names = files.keys();
                names.sort();
                responder.respond(HttpResponse::error(
                    404, QStringLiteral("not-found"),
                    QStringLiteral("No static file \"%1\" in /ui/static; there are: %2")
                        .arg(name, names.join(QStringLiteral(", ")))));
                return;
            }
            responder.respond(pageResponse(file->body, file->contentType));
        });
}

} // namespace Durable::Cli
