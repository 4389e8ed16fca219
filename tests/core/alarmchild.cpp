// SPDX-License-Identifier: MIT
// A child engine for tst_alarms: sets alarms (or hangs inside one) and waits to be SIGKILLed.
#include "testobjects.h"

#include <durable/core/engine.h>
#include <durable/core/virtualclock.h>

#include <QCoreApplication>
#include <QJsonObject>
#include <QThread>

#include <cstdio>

using namespace Durable;
using namespace DurableTest;

namespace {

// Same class name as the parent's AlarmProbe-backed "Hanging", but its alarm never returns.
class HangingAlarm : public DurableObject
{
public:
    QJsonValue onRequest(const QString &, const QJsonValue &args) override
    {
        storage().setAlarm(qint64(args.toObject().value(QStringLiteral("at")).toDouble()));
        return true;
    }
    void onAlarm(const AlarmInfo &) override
    {
        std::printf("in-alarm\n");
        std::fflush(stdout);
        for (;;)
            QThread::sleep(60);
    }
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4)
        return 2;
    const QString dataDir = args.at(1);
    const QString mode = args.at(2);
    const qint64 startMs = args.at(3).toLongLong();
    auto clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC));
    EngineOptions options;
    options.dataDir = dataDir;
    options.clock = clock;
    Engine engine(options);
    registerTestClasses(engine);
    (void)engine.registerClass<HangingAlarm>(QStringLiteral("Hanging"));
    if (auto ok = engine.start(); !ok) {
        std::fprintf(stderr, "%s\n", qPrintable(ok.error().message()));
        return 1;
    }
    if (mode == QLatin1String("set")) {
        for (int i = 0; i < 50; ++i) {
            const qint64 at = startMs + 3600 * 1000 + i * 1000;
            auto reply = engine.stub(QStringLiteral("AlarmProbe"), QStringLiteral("a%1").arg(i))
                             .value()
                             .call(QStringLiteral("set"),
                                   QJsonObject {{QStringLiteral("at"), double(at)}});
            reply.waitForFinished();
            std::printf("ack %d %lld\n", i, at);
            std::fflush(stdout);
        }
    } else if (mode == QLatin1String("hang")) {
        auto reply = engine.stub(QStringLiteral("Hanging"), QStringLiteral("h"))
                         .value()
                         .call(QStringLiteral("set"),
                               QJsonObject {{QStringLiteral("at"), double(startMs + 60000)}});
        reply.waitForFinished();
        std::printf("ack\n");
        std::fflush(stdout);
        clock->advance(std::chrono::minutes(2)); // never returns: the alarm hangs
    }
    std::printf("ready\n");
    std::fflush(stdout);
    return app.exec(); // until SIGKILL
}
