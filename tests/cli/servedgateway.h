// SPDX-License-Identifier: MIT
#pragma once

// `durable serve`'s gateway in-process, for the gateway's test suites: an engine with the demo
// classes, an HTTP server on 127.0.0.1 (ephemeral port) and the gateway on it.

#include "demoagentsloader.h"
#include "enginesession.h"
#include "gateway.h"
#include "httpserver.h"

#include <QTemporaryDir>
#include <durable/core/chatmodel.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/openaichatmodel.h>
#include <durable/core/virtualclock.h>
#include <functional>
#include <memory>

namespace DurableCliTest {

using namespace Durable;
using namespace Durable::Cli;

constexpr qint64 MaxBody = 64 * 1024;

// An engine with the demo classes, an HTTP server and the gateway on it.
struct Served
{
    QTemporaryDir dir;
    std::unique_ptr<EngineSession> session;
    std::unique_ptr<HttpServer> server;
    std::unique_ptr<Gateway> gateway;
    quint16 port = 0;

    explicit Served(bool virtualClock, const QString &token = {},
                    std::function<std::unique_ptr<ChatModel>(Clock *)> modelProvider = {})
    {
        EngineOptions options;
        options.dataDir = dir.path();
        options.workerThreads = 2;
        if (modelProvider)
            options.modelProvider = std::move(modelProvider);
        if (virtualClock)
            options.clock = std::make_shared<VirtualClock>();
        auto opened = EngineSession::open(options, &DurableTest::demoAgents());
        if (!opened)
            qFatal("engine did not start: %s", qPrintable(opened.error().message()));
        session = std::move(opened.value());
        session->inspector().setFeedInterval(20);
        HttpServerOptions httpOptions;
        httpOptions.maxBodyBytes = MaxBody;
        httpOptions.token = token;
        server = std::make_unique<HttpServer>(httpOptions);
        gateway = std::make_unique<Gateway>(&session->engine(), &session->inspector(),
                                            server.get());
        const auto listening = server->listen(QHostAddress(QHostAddress::LocalHost), 0);
        if (!listening)
            qFatal("could not listen: %s", qPrintable(listening.error().message()));
        port = listening.value();
    }
    ~Served()
    {
        gateway.reset();
        server->close();
        session->shutdown();
    }
};

// A model provider for Served: the OpenAI-compatible client on a (fake) server, no retries.
inline std::function<std::unique_ptr<ChatModel>(Clock *)> openAiModelAt(const QUrl &baseUrl)
{
    OpenAiConfig config;
    config.baseUrl = baseUrl;
    config.model = QStringLiteral("test-model");
    config.maxRetries = 0;
    return [config](Clock *) -> std::unique_ptr<ChatModel> {
        return std::make_unique<OpenAiChatModel>(config);
    };
}

} // namespace DurableCliTest
