// SPDX-License-Identifier: MIT
#include "httpresponse.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Durable {

namespace {

QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // QJsonDocument cannot hold a scalar: serialise it inside an array and strip the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

} // namespace

HttpResponse::HttpResponse(int status, QByteArray body, QByteArray contentType)
    : m_status(status), m_body(std::move(body))
{
    if (!contentType.isEmpty())
        m_headers.append(HttpHeader(QByteArrayLiteral("Content-Type"), contentType));
}

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.removeIf([&name](const HttpHeader &header) {
        return QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0;
    });
    m_headers.append(HttpHeader(name, value));
}

void HttpResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append(HttpHeader(name, value));
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const HttpHeader &header : m_headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonValue &value)
{
    return HttpResponse(status, compactJson(value), QByteArrayLiteral("application/json"));
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &message)
{
    const QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return json(status, QJsonObject {{QStringLiteral("error"), error}});
}

HttpResponse HttpResponse::fromError(const Error &error)
{
    return json(statusFor(error.code()), QJsonObject {{QStringLiteral("error"), error.toJson()}});
}

HttpResponse HttpResponse::text(int status, const QString &text)
{
    return HttpResponse(status, text.toUtf8(), QByteArrayLiteral("text/plain; charset=utf-8"));
}

int HttpResponse::statusFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return 400;
    case ErrorCode::UnknownClass:
    case ErrorCode::UnknownMethod:
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::LimitExceeded:
        return 413;
    case ErrorCode::ReservedTable:
    case ErrorCode::SqlError:
        return 422;
    case ErrorCode::Quarantined:
    case ErrorCode::Corrupt:
        return 423;
    case ErrorCode::Overloaded:
        return 429;
    case ErrorCode::Network:
        return 502;
    case ErrorCode::ShuttingDown:
        return 503;
    case ErrorCode::Timeout:
        return 504;
    case ErrorCode::Internal:
    case ErrorCode::StorageError:
    case ErrorCode::CommitFailed:
    case ErrorCode::Crashed:
    case ErrorCode::HandlerFailed:
    case ErrorCode::Io:
        return 500;
    }
    return 500;
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 417:
        return QByteArrayLiteral("Expectation Failed");
    case 422:
        return QByteArrayLiteral("Unprocessable Content");
    case 423:
        return QByteArrayLiteral("Locked");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

namespace {

bool statusHasNoBody(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

bool isFramingHeader(QByteArrayView name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0 ||
           name.compare("connection", Qt::CaseInsensitive) == 0 ||
           name.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HttpResponse::toBytes(const Framing &framing) const
{
    const bool noBody = statusHasNoBody(m_status);
    QByteArray out;
    out.reserve(96 + m_headers.size() * 48 + (framing.headOnly || noBody ? 0 : m_body.size()));
    out += "HTTP/1.1 ";
    out += QByteArray::number(m_status);
    out += ' ';
    out += reasonPhrase(m_status);
    out += "\r\n";
    for (const HttpHeader &header : m_headers) {
        if (isFramingHeader(header.first))
            continue;
        out += header.first;
        out += ": ";
        out += header.second;
        out += "\r\n";
    }
    if (!noBody) {
        out += "Content-Length: ";
        out += QByteArray::number(m_body.size());
        out += "\r\n";
    }
    if (!framing.keepAlive)
        out += "Connection: close\r\n";
    else if (framing.http10)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!framing.headOnly && !noBody)
        out += m_body;
    return out;
}

} // namespace Durable
