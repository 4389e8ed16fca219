// SPDX-License-Identifier: MIT
// A child engine for tst_examples: leaves one candidate with a screening call in flight
// (Holden), one waiting on the recruiter (Grace) and one with its follow-up scheduled (Alan),
// prints "ready <now>", and waits to be SIGKILLed.
#include "examplestestutil.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QThread>
#include <cstdio>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/virtualclock.h>

using namespace Durable;

namespace {

QJsonObject callOrDie(Engine &engine, const QString &name, const QString &method,
                      const QJsonValue &args = {})
{
    auto future = engine.stub(QStringLiteral("Recruitment"), name).value().call(method, args);
    try {
        future.waitForFinished();
        return future.result().toObject();
    } catch (const Error &error) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message()));
        std::exit(1);
    }
}

void waitForStep(Engine &engine, const QString &name, const QString &step)
{
    for (int i = 0; i < 3000; ++i) {
        if (callOrDie(engine, name, QStringLiteral("status"))
                .value(QStringLiteral("step"))
                .toString() == step)
            return;
        QThread::msleep(5);
    }
    std::fprintf(stderr, "%s never reached %s\n", qPrintable(name), qPrintable(step));
    std::exit(1);
}

QJsonObject resume(const QString &candidate)
{
    return {{QStringLiteral("candidate"), candidate},
            {QStringLiteral("role"), QStringLiteral("Engineer")},
            {QStringLiteral("resume"), QStringLiteral("Writes C++.")}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        return 2;
    auto clock = std::make_shared<VirtualClock>(
        QDateTime::fromMSecsSinceEpoch(args.at(2).toLongLong(), Qt::UTC));
    EngineOptions options;
    options.dataDir = args.at(1);
    options.clock = clock;
    options.modelProvider = [](Clock *c) -> std::unique_ptr<ChatModel> {
        return std::make_unique<DurableExamplesTest::HoldingModel>(c);
    };
    Engine engine(options);
    DurableExamples::registerExampleClasses(engine);
    if (auto ok = engine.start(); !ok) {
        std::fprintf(stderr, "%s\n", qPrintable(ok.error().message()));
        return 1;
    }
    callOrDie(engine, QStringLiteral("holden"), QStringLiteral("submitResume"),
              resume(QStringLiteral("Holden")));
    callOrDie(engine, QStringLiteral("grace"), QStringLiteral("submitResume"),
              resume(QStringLiteral("Grace")));
    callOrDie(engine, QStringLiteral("alan"), QStringLiteral("submitResume"),
              resume(QStringLiteral("Alan")));
    waitForStep(engine, QStringLiteral("grace"), QStringLiteral("awaiting-recruiter"));
    waitForStep(engine, QStringLiteral("alan"), QStringLiteral("awaiting-recruiter"));
    HumanInbox inbox(&engine);
    auto pending = inbox.pending();
    pending.waitForFinished();
    for (const HumanRequestInfo &request : pending.result()) {
        if (request.objectName == QLatin1String("alan")) {
            HumanResponse approve;
            approve.action = HumanAction::Approve;
            inbox.answer(request, approve).waitForFinished();
        }
    }
    waitForStep(engine, QStringLiteral("alan"), QStringLiteral("follow-up-scheduled"));
    std::printf("ready %lld\n", clock->nowMs());
    std::fflush(stdout);
    return app.exec(); // until SIGKILL
}
