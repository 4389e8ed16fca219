// SPDX-License-Identifier: MIT
#include "demodata.h"

#include <durable/core/engine.h>
#include <durable/core/stub.h>

#include <QJsonObject>
#include <QStringList>

namespace Durable::Studio {

namespace {

void send(Engine &engine, const QString &className, const QString &name, const QString &method,
          const QJsonValue &args)
{
    if (auto stub = engine.stub(className, name))
        stub->call(method, args, [](const Result<QJsonValue> &) {});
}

void seedCounters(Engine &engine)
{
    const QStringList people {QStringLiteral("alice"), QStringLiteral("bob"),
                              QStringLiteral("carol"), QStringLiteral("dave"),
                              QStringLiteral("erin")};
    for (int i = 0; i < people.size(); ++i)
        send(engine, QStringLiteral("Counter"), people.at(i), QStringLiteral("increment"), i + 1);
}

void seedReminders(Engine &engine)
{
    auto remind = [&engine](const QString &name, const QString &text, double minutes) {
        send(engine, QStringLiteral("Reminder"), name, QStringLiteral("remind"),
             QJsonObject {{QStringLiteral("text"), text}, {QStringLiteral("inMinutes"), minutes}});
    };
    remind(QStringLiteral("standup"), QStringLiteral("Daily stand-up"), 15);
    remind(QStringLiteral("standup"), QStringLiteral("Post stand-up notes"), 45);
    remind(QStringLiteral("weekly-review"), QStringLiteral("Weekly review"), 24 * 60);
    remind(QStringLiteral("passport"), QStringLiteral("Renew the passport"), 3 * 24 * 60);
    remind(QStringLiteral("follow-up"), QStringLiteral("Follow up with the candidate"), 90);
}

void seedCandidates(Engine &engine)
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
        send(engine, QStringLiteral("Recruitment"),
             name.toLower().replace(QLatin1Char(' '), QLatin1Char('-')),
             QStringLiteral("submitResume"),
             QJsonObject {{QStringLiteral("candidate"), name},
                          {QStringLiteral("role"), QString::fromUtf8(candidate.role)},
                          {QStringLiteral("resume"), QString::fromUtf8(candidate.resume)}});
    }
}

} // namespace

void DemoData::seed(Engine &engine)
{
    seedCandidates(engine); // first: the inbox fills while the rest is sent
    seedCounters(engine);
    seedReminders(engine);
}

} // namespace Durable::Studio
