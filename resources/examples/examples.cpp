// SPDX-License-Identifier: MIT
#include "examples.h"

#include "assistant.h"
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

void registerExampleClasses(Engine &engine)
{
    initExampleResources();
    ClassOptions recruitment;
    recruitment.description = QStringLiteral(
        "Screens a resume with a model, asks a recruiter, books an interview with a tool and "
        "follows up 24 hours later (submitResume, status)");
    recruitment.steps = Recruitment::workflowSteps();
    recruitment.handlesAlarms = true;
    (void)engine.registerClass<Recruitment>(QStringLiteral("Recruitment"), recruitment);

    ClassOptions assistant;
    assistant.description = QStringLiteral(
        "A chat assistant with memory and two tools, now and remember (chat, "
        "history, status)");
    assistant.handlesAlarms = true;
    (void)engine.registerClass<Assistant>(QStringLiteral("Assistant"), assistant);
}

void seedExampleData(Engine &engine)
{
    struct Candidate
    {
        const char *name;
        const char *role;
        const char *resume;
    };
    const Candidate candidates[] = {
        {"Ada Lovelace", "Backend engineer",
         "Ten years of C++ and distributed systems; led the storage team at a payments "
         "company; speaks at conferences."},
        {"Grace Hopper", "Engineering manager",
         "Managed compiler teams of twelve; built hiring pipelines; mentors new managers."},
        {"Alan Turing", "Research engineer",
         "PhD in mathematics; published on computability; prototyped learning machines."},
    };
    for (const Candidate &candidate : candidates) {
        const QString name = QString::fromUtf8(candidate.name);
        auto stub = engine.stub(QStringLiteral("Recruitment"),
                                name.toLower().replace(QLatin1Char(' '), QLatin1Char('-')));
        if (!stub)
            continue;
        stub->call(QStringLiteral("submitResume"),
                   QJsonObject {{QStringLiteral("candidate"), name},
                                {QStringLiteral("role"), QString::fromUtf8(candidate.role)},
                                {QStringLiteral("resume"), QString::fromUtf8(candidate.resume)}},
                   [](const Result<QJsonValue> &) {});
    }
}

} // namespace DurableExamples
