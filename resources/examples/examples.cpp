// SPDX-License-Identifier: MIT
#include "examples.h"

#include "assistant.h"
#include "democounter.h"
#include "demoreminder.h"
#include "recruitment.h"

#include <QFile>
#include <QJsonDocument>
#include <durable/core/engine.h>

static void initExampleResources()
{
    // The rules live in a static library: pull its resources in explicitly.
    Q_INIT_RESOURCE(examples);
}

namespace DurableExamples {

using namespace Durable;

QJsonObject exampleRules(const QString &name)
{
    initExampleResources();
    QFile file(QStringLiteral(":/durable/examples/%1.json").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QList<ClassRegistration> exampleClasses()
{
    initExampleResources();
    ClassOptions recruitment;
    recruitment.description = QStringLiteral(
        "Screens a resume with a model, asks a recruiter, books an interview with a tool and "
        "follows up 24 hours later (submitResume, status)");
    recruitment.steps = Recruitment::workflowSteps();
    ClassOptions assistant;
    assistant.description = QStringLiteral(
        "A chat assistant with memory and three tools, now, remember and forget (which asks "
        "you first) (chat, history, status)");
    return {ClassRegistration::of<Recruitment>(QStringLiteral("Recruitment"), recruitment),
            ClassRegistration::of<Assistant>(QStringLiteral("Assistant"), assistant)};
}

QList<ClassRegistration> demoClasses()
{
    ClassOptions counter;
    counter.description = QStringLiteral("Demo: a counter (increment, get, reset)");
    ClassOptions reminder;
    reminder.description = QStringLiteral(
        "Demo: reminders in SQL, woken by its alarm (remind, list)");
    return exampleClasses() +
           QList<ClassRegistration> {
               ClassRegistration::of<DemoCounter>(QStringLiteral("Counter"), counter),
               ClassRegistration::of<DemoReminder>(QStringLiteral("Reminder"), reminder)};
}

namespace {

void registerAll(Engine &engine, const QList<ClassRegistration> &classes)
{
    for (const ClassRegistration &registration : classes) {
        const Result<void> registered = engine.registerClass(
            registration.name, registration.factory, registration.options);
        if (!registered) // a name taken or the engine started: the caller's mistake
            qFatal("DurableExamples: %s", qPrintable(registered.error().message()));
    }
}

} // namespace

void registerExampleClasses(Engine &engine)
{
    registerAll(engine, exampleClasses());
}

void registerDemoClasses(Engine &engine)
{
    registerAll(engine, demoClasses());
}

} // namespace DurableExamples
