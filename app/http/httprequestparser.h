// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"
#include "httpserveroptions.h"
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Durable {

// Incremental HTTP/1.x request parser for one connection: bytes go in as they arrive (split
// anywhere, several pipelined requests at once), complete requests come out one at a time.
// After an error the stream's framing is lost: the connection must answer the error and close.
class HttpRequestParser
{
public:
    enum class Status { NeedMore, Complete, Failed };

    struct Failure
    {
        int status = 400;
        QString code;
        QString message;
    };

    explicit HttpRequestParser(const HttpServerOptions &options);

    // Where to read new bytes into: grows the buffer by `bytes` and returns the free space.
    // Call commitAppend() with the number actually written.
    char *prepareAppend(qint64 bytes);
    void commitAppend(qint64 written);

    // Tries to parse the next request out of the buffered bytes.
    Status next(HttpRequest &request);
    const Failure &failure() const { return m_failure; }

    // Facts about the request last returned by next():
    bool keepAlive() const { return m_keepAlive; }
    // While NeedMore: the head of a request that asked for "Expect: 100-continue" is parsed
    // and its body is awaited. Reset by takeExpectContinue().
    bool takeExpectContinue();

    qint64 bufferedBytes() const { return m_buffer.size() - m_position; }
    // Bytes of a request head are buffered but the head is not complete yet.
    bool headPending() const { return !m_inBody && !m_failed && bufferedBytes() > 0; }

private:
    Status fail(int status, const char *code, const QString &message);
    // The head's header fields that frame the body and the connection.
    struct HeadFields
    {
        bool haveLength = false;
        qint64 contentLength = 0;
        bool chunked = false;
        bool connectionClose = false;
        bool connectionKeepAlive = false;
        bool expectContinue = false;
        bool haveHost = false;
    };

    Status parseHead(qsizetype headEnd, HttpRequest &request);
    Status parseRequestLine(QByteArrayView requestLine, HttpRequest &request);
    Status parseTarget(QByteArrayView target, HttpRequest &request);
    Status parseHeaderLine(QByteArrayView line, HttpRequest &request, HeadFields &fields);
    Status applyFraming(const HeadFields &fields, const HttpRequest &request);
    void compact();

    const HttpServerOptions &m_options;
    QByteArray m_buffer;
    qint64 m_reserved = 0;    // bytes handed out by prepareAppend(), not yet committed
    qsizetype m_position = 0; // start of unparsed bytes
    qsizetype m_scanFrom = 0; // where the search for the end of the head resumes
    bool m_inBody = false;
    qint64 m_bodyLength = 0;
    bool m_keepAlive = true;
    bool m_expectContinue = false;
    bool m_failed = false;
    Failure m_failure;
    HttpRequest m_pending; // head parsed, body awaited
};

} // namespace Durable
