// SPDX-License-Identifier: MIT
#include "httprequestparser.h"

#include <cstring>

namespace Durable {

namespace {

// RFC 9110 "tchar": the characters allowed in methods and header names.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

// Methods we see all the time share one static array instead of allocating per request.
QByteArray internMethod(QByteArrayView method)
{
    static const QByteArray s_get = QByteArrayLiteral("GET");
    static const QByteArray s_post = QByteArrayLiteral("POST");
    static const QByteArray s_put = QByteArrayLiteral("PUT");
    static const QByteArray s_delete = QByteArrayLiteral("DELETE");
    static const QByteArray s_head = QByteArrayLiteral("HEAD");
    if (method == s_get)
        return s_get;
    if (method == s_post)
        return s_post;
    if (method == s_put)
        return s_put;
    if (method == s_delete)
        return s_delete;
    if (method == s_head)
        return s_head;
    return method.toByteArray();
}

// Does the comma-separated list (e.g. a Connection header) contain token, case-insensitively?
bool listContains(QByteArrayView list, QByteArrayView token)
{
    while (!list.isEmpty()) {
        const qsizetype comma = list.indexOf(',');
        const QByteArrayView item = trimmed(comma < 0 ? list : list.first(comma));
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        if (comma < 0)
            break;
        list = list.sliced(comma + 1);
    }
    return false;
}

QString printable(QByteArrayView text)
{
    const qsizetype limit = 80;
    QString result = QString::fromLatin1(text.first(qMin(text.size(), limit)));
    for (QChar &c : result) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char('?');
    }
    if (text.size() > limit)
        result += QStringLiteral("...");
    return result;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Length of the well-formed UTF-8 sequence at the start of bytes (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 if it is not one.
qsizetype utf8SequenceLength(QByteArrayView bytes)
{
    const auto byte = [&bytes](qsizetype i) { return static_cast<unsigned char>(bytes.at(i)); };
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    qsizetype length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;  // overlong
        high = lead == 0xed ? 0x9f : 0xbf; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;  // overlong
        high = lead == 0xf4 ? 0x8f : 0xbf; // above U+10FFFF
    } else {
        return 0;
    }
    if (bytes.size() < length || byte(1) < low || byte(1) > high)
        return 0;
    for (qsizetype i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xbf)
            return 0;
    }
    return length;
}

// Why the percent-encoded path cannot be decoded into text, or an empty string if it can:
// every escape is two hex digits, and the decoded bytes are UTF-8 without NUL.
QString pathDecodingProblem(QByteArrayView path)
{
    QByteArray decoded;
    decoded.reserve(path.size());
    for (qsizetype i = 0; i < path.size(); ++i) {
        if (path.at(i) != '%') {
            decoded += path.at(i);
            continue;
        }
        const int high = i + 2 < path.size() ? hexValue(path.at(i + 1)) : -1;
        const int low = high >= 0 ? hexValue(path.at(i + 2)) : -1;
        if (low < 0)
            return QStringLiteral("'%' is not followed by two hex digits");
        decoded += char(high * 16 + low);
        i += 2;
    }
    for (qsizetype i = 0; i < decoded.size();) {
        if (decoded.at(i) == '\0')
            return QStringLiteral("it contains a NUL character (%00)");
        const qsizetype length = utf8SequenceLength(QByteArrayView(decoded).sliced(i));
        if (length == 0)
            return QStringLiteral("its percent-escapes are not valid UTF-8");
        i += length;
    }
    return {};
}

} // namespace

HttpRequestParser::HttpRequestParser(const HttpServerOptions &options) : m_options(options)
{ }

char *HttpRequestParser::prepareAppend(qint64 bytes)
{
    compact();
    const qsizetype old = m_buffer.size();
    m_buffer.resize(old + bytes);
    m_reserved = bytes;
    return m_buffer.data() + old;
}

void HttpRequestParser::commitAppend(qint64 written)
{
    // prepareAppend() grew the buffer by the requested size; give back what was not written.
    Q_ASSERT(written >= 0 && written <= m_reserved);
    m_buffer.resize(m_buffer.size() - (m_reserved - written));
    m_reserved = 0;
}

void HttpRequestParser::compact()
{
    // Drop consumed bytes only when they dominate, so steady pipelining does not memmove on
    // every read.
    if (m_position == 0)
        return;
    if (m_position == m_buffer.size()) {
        m_buffer.resize(0);
        m_scanFrom = 0;
        m_position = 0;
        return;
    }
    if (m_position >= 4096 && m_position * 2 >= m_buffer.size()) {
        m_buffer.remove(0, m_position);
        m_scanFrom -= m_position;
        m_position = 0;
    }
}

bool HttpRequestParser::takeExpectContinue()
{
    const bool expect = m_expectContinue;
    m_expectContinue = false;
    return expect;
}

HttpRequestParser::Status HttpRequestParser::fail(int status, const char *code,
                                                  const QString &message)
{
    m_failed = true;
    m_failure.status = status;
    m_failure.code = QString::fromLatin1(code);
    m_failure.message = message;
    m_keepAlive = false;
    return Status::Failed;
}

HttpRequestParser::Status HttpRequestParser::next(HttpRequest &request)
{
    if (m_failed)
        return Status::Failed;

    if (!m_inBody) {
        // RFC 9112 2.2: ignore empty lines before a request line (some clients send a CRLF
        // after a body).
        while (m_position < m_buffer.size() &&
               (m_buffer.at(m_position) == '\r' || m_buffer.at(m_position) == '\n')) {
            ++m_position;
        }
        if (m_scanFrom < m_position)
            m_scanFrom = m_position;

        // The head ends at the first empty line; lines may end in CRLF or a bare LF.
        qsizetype headEnd = -1;
        qsizetype newline = m_buffer.indexOf('\n', m_scanFrom);
        while (newline >= 0) {
            const qsizetype next = newline + 1;
            if (next < m_buffer.size() && m_buffer.at(next) == '\n') {
                headEnd = next + 1;
                break;
            }
            if (next + 1 < m_buffer.size() && m_buffer.at(next) == '\r' &&
                m_buffer.at(next + 1) == '\n') {
                headEnd = next + 2;
                break;
            }
            if (next >= m_buffer.size() ||
                (next + 1 >= m_buffer.size() && m_buffer.at(next) == '\r')) {
                // Cannot tell yet whether an empty line follows: rescan this newline later.
                break;
            }
            newline = m_buffer.indexOf('\n', next);
        }
        if (headEnd < 0) {
            m_scanFrom = newline >= 0 ? newline : m_buffer.size();
            if (m_buffer.size() - m_position > m_options.maxHeaderBytes) {
                return fail(431, "headers-too-large",
                            QStringLiteral("Request head exceeds the limit of %1 bytes")
                                .arg(m_options.maxHeaderBytes));
            }
            return Status::NeedMore;
        }
        if (headEnd - m_position > m_options.maxHeaderBytes) {
            return fail(431, "headers-too-large",
                        QStringLiteral("Request head of %1 bytes exceeds the limit of %2 bytes")
                            .arg(headEnd - m_position)
                            .arg(m_options.maxHeaderBytes));
        }
        m_pending = HttpRequest();
        const Status status = parseHead(headEnd, m_pending);
        if (status == Status::Failed)
            return status;
        m_position = headEnd;
        m_scanFrom = headEnd;
        m_inBody = true;
    }

    if (m_buffer.size() - m_position < m_bodyLength)
        return Status::NeedMore;
    if (m_bodyLength > 0)
        m_pending.setBody(m_buffer.sliced(m_position, m_bodyLength));
    m_position += m_bodyLength;
    m_scanFrom = m_position;
    m_inBody = false;
    m_expectContinue = false;
    request = std::move(m_pending);
    m_pending = HttpRequest();
    return Status::Complete;
}

HttpRequestParser::Status HttpRequestParser::parseHead(qsizetype headEnd, HttpRequest &request)
{
    const QByteArrayView head(m_buffer.constData() + m_position, headEnd - m_position);
    qsizetype lineStart = 0;
    auto nextLine = [&head, &lineStart]() {
        const qsizetype newline = head.indexOf('\n', lineStart);
        QByteArrayView line = head.sliced(lineStart, newline - lineStart);
        if (line.endsWith('\r'))
            line.chop(1);
        lineStart = newline + 1;
        return line;
    };

    if (parseRequestLine(nextLine(), request) == Status::Failed)
        return Status::Failed;
    HeadFields fields;
    while (lineStart < head.size()) {
        const QByteArrayView line = nextLine();
        if (line.isEmpty())
            break;
        if (parseHeaderLine(line, request, fields) == Status::Failed)
            return Status::Failed;
    }
    return applyFraming(fields, request);
}

// Request line: METHOD SP request-target SP HTTP-version
HttpRequestParser::Status HttpRequestParser::parseRequestLine(QByteArrayView requestLine,
                                                              HttpRequest &request)
{
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace == firstSpace) {
        return fail(400, "bad-request",
                    QStringLiteral("Malformed request line \"%1\": expected METHOD PATH HTTP/1.1")
                        .arg(printable(requestLine)));
    }
    const QByteArrayView method = requestLine.first(firstSpace);
    const QByteArrayView target = requestLine.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = requestLine.sliced(lastSpace + 1);
    if (!isToken(method)) {
        return fail(400, "bad-request",
                    QStringLiteral("Malformed request line \"%1\": invalid method")
                        .arg(printable(requestLine)));
    }
    if (version == "HTTP/1.1") {
        request.setMinorVersion(1);
    } else if (version == "HTTP/1.0") {
        request.setMinorVersion(0);
    } else if (version.startsWith("HTTP/") && version.size() == 8 && version.at(6) == '.') {
        return fail(505, "http-version-not-supported",
                    QStringLiteral("HTTP version \"%1\" is not supported; use HTTP/1.1")
                        .arg(printable(version)));
    } else {
        return fail(400, "bad-request",
                    QStringLiteral("Malformed request line \"%1\": invalid HTTP version")
                        .arg(printable(requestLine)));
    }
    if (parseTarget(target, request) == Status::Failed)
        return Status::Failed;
    request.setMethod(internMethod(method));
    return Status::Complete;
}

// The request-target in origin form: a path, optionally followed by '?' and a query.
HttpRequestParser::Status HttpRequestParser::parseTarget(QByteArrayView target,
                                                         HttpRequest &request)
{
    if (target.isEmpty() || target.front() != '/') {
        return fail(
            400, "bad-request",
            QStringLiteral("Malformed request target \"%1\": expected a path starting with '/'")
                .arg(printable(target)));
    }
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            return fail(
                400, "bad-request",
                QStringLiteral("Malformed request target \"%1\": control character or space")
                    .arg(printable(target)));
        }
    }
    const qsizetype question = target.indexOf('?');
    // Names and ids come from the path: two different byte strings must never decode to the
    // same replacement characters and so reach the same object.
    const QString problem = pathDecodingProblem(question < 0 ? target : target.first(question));
    if (!problem.isEmpty()) {
        return fail(400, "bad-request",
                    QStringLiteral("Malformed request path \"%1\": %2")
                        .arg(printable(question < 0 ? target : target.first(question)), problem));
    }
    if (question < 0) {
        request.setRawPath(target.toByteArray());
    } else {
        request.setRawPath(target.first(question).toByteArray());
        request.setRawQuery(target.sliced(question + 1).toByteArray());
    }
    return Status::Complete;
}

// One "Name: value" line: checked, added to the request, and noted in fields if it frames the
// body or the connection.
HttpRequestParser::Status HttpRequestParser::parseHeaderLine(QByteArrayView line,
                                                             HttpRequest &request,
                                                             HeadFields &fields)
{
    if (line.front() == ' ' || line.front() == '\t') {
        return fail(400, "bad-request",
                    QStringLiteral("Header line \"%1\" starts with whitespace (obsolete "
                                   "line folding is not accepted)")
                        .arg(printable(line)));
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.first(colon))) {
        return fail(400, "bad-request",
                    QStringLiteral("Malformed header line \"%1\": expected \"Name: value\"")
                        .arg(printable(line)));
    }
    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = trimmed(line.sliced(colon + 1));
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            return fail(
                400, "bad-request",
                QStringLiteral("Header \"%1\" contains a control character").arg(printable(name)));
        }
    }

    if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
        bool ok = !value.isEmpty() && value.size() <= 18;
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        const qint64 length = ok ? value.toLongLong(&ok) : -1;
        if (!ok || (fields.haveLength && length != fields.contentLength)) {
            return fail(400, "bad-request",
                        QStringLiteral("Invalid Content-Length \"%1\"").arg(printable(value)));
        }
        fields.haveLength = true;
        fields.contentLength = length;
    } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
        fields.chunked = true;
    } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
        fields.connectionClose = fields.connectionClose || listContains(value, "close");
        fields.connectionKeepAlive = fields.connectionKeepAlive ||
                                     listContains(value, "keep-alive");
    } else if (name.compare("host", Qt::CaseInsensitive) == 0) {
        if (fields.haveHost) {
            return fail(400, "bad-request",
                        QStringLiteral("The request has more than one Host header"));
        }
        fields.haveHost = true;
    } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
        if (value.compare("100-continue", Qt::CaseInsensitive) != 0) {
            return fail(417, "expectation-failed",
                        QStringLiteral("Unsupported Expect header \"%1\"").arg(printable(value)));
        }
        fields.expectContinue = true;
    }
    request.addHeader(name.toByteArray(), value.toByteArray());
    return Status::Complete;
}

// Decides from the framing headers how long the body is and whether the connection stays open.
HttpRequestParser::Status HttpRequestParser::applyFraming(const HeadFields &fields,
                                                          const HttpRequest &request)
{
    if (fields.chunked) {
        return fail(501, "not-implemented",
                    QStringLiteral("Transfer-Encoding request bodies (chunked) are not "
                                   "supported; send the body with a Content-Length header"));
    }
    if (fields.contentLength > m_options.maxBodyBytes) {
        return fail(413, "payload-too-large",
                    QStringLiteral("Request body of %1 bytes exceeds the limit of %2 bytes")
                        .arg(fields.contentLength)
                        .arg(m_options.maxBodyBytes));
    }
    if (request.minorVersion() >= 1 && !fields.haveHost) {
        // RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without Host.
        return fail(400, "bad-request", QStringLiteral("HTTP/1.1 requests need a Host header"));
    }
    m_bodyLength = fields.contentLength;
    m_keepAlive = request.minorVersion() >= 1
                      ? !fields.connectionClose
                      : (fields.connectionKeepAlive && !fields.connectionClose);
    m_expectContinue = fields.expectContinue && fields.contentLength > 0;
    return Status::Complete;
}

} // namespace Durable
