// SPDX-License-Identifier: MIT
#include <QtGlobal>
#include <durable/core/openaiconfig.h>

namespace Durable {

OpenAiConfig OpenAiConfig::fromEnvironment()
{
    OpenAiConfig config;
    const QString baseUrl = qEnvironmentVariable("OPENAI_BASE_URL").trimmed();
    if (!baseUrl.isEmpty())
        config.baseUrl = QUrl(baseUrl);
    const QString model = qEnvironmentVariable("OPENAI_MODEL").trimmed();
    if (!model.isEmpty())
        config.model = model;
    config.apiKey = qEnvironmentVariable("OPENAI_API_KEY").trimmed();
    return config;
}

} // namespace Durable
