// SPDX-License-Identifier: MIT
// libFuzzer target: loading a scenario file (JSON text, the format's schema, step checks,
// durations). Loading either succeeds with steps or fails with a message; it never crashes.
#include <durable/core/duration.h>
#include <durable/core/jsontext.h>
#include <durable/core/scenario.h>

#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonValue json = Durable::JsonText::parse(reinterpret_cast<const char *>(data),
                                                     qsizetype(size));
    if (!json.isObject())
        return 0;
    const auto scenario = Durable::Scenario::fromJson(json.toObject(), QStringLiteral("fuzz.json"));
    if (scenario) {
        if (scenario->steps.isEmpty())
            std::abort(); // a loaded scenario has steps
        for (const Durable::ScenarioStep &step : scenario->steps) {
            if (step.kind.isEmpty() || step.title.isEmpty())
                std::abort();
        }
    } else if (scenario.error().message().isEmpty()) {
        std::abort();
    }
    // Durations are parsed from scenario files; a parsed one is never negative.
    for (const QString &key : json.toObject().keys()) {
        const auto duration = Durable::Duration::parse(key);
        if (duration && duration->count() < 0)
            std::abort();
    }
    return 0;
}
