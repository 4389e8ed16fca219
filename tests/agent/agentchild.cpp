// SPDX-License-Identifier: MIT
// A child engine for tst_agent: drives the recruitment workflow until it waits on a person and
// a schedule, reports the virtual time, and waits to be SIGKILLed.
#include "agenttestobjects.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <cstdio>
#include <durable/core/engine.h>
#include <durable/core/virtualclock.h>

using namespace Durable;
using namespace DurableAgentTest;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        return 2;
    const QString dataDir = args.at(1);
    const qint64 startMs = args.at(2).toLongLong();
    auto clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC));
    EngineOptions options;
    options.dataDir = dataDir;
    options.clock = clock;
    Engine engine(options);
    registerAgentClasses(engine);
    if (auto ok = engine.start(); !ok) {
        std::fprintf(stderr, "%s\n", qPrintable(ok.error().message()));
        return 1;
    }
    auto reply = engine.stub(QStringLiteral("Recruitment"), QStringLiteral("ada"))
                     .value()
                     .call(QStringLiteral("submitResume"),
                           QJsonObject {{QStringLiteral("candidate"), QStringLiteral("Ada")}});
    reply.waitForFinished();
    // Screening fires after 10 minutes and opens the human request (and a reminder schedule).
    const int fired = clock->advance(std::chrono::minutes(15));
    std::printf("ready %d %lld\n", fired, clock->nowMs());
    std::fflush(stdout);
    return app.exec(); // until SIGKILL
}
