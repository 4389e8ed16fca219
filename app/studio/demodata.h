// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {
class Engine;
}

namespace Durable::Studio {

// What a fresh demo directory is given, so the browser, the inspector, the alarm board and the
// inbox have something to show on a first start: five counters, reminders with alarms due in
// minutes to days, and three candidates submitted to Recruitment (whose scripted screening then
// puts their requests in the inbox). Never sent to a directory the user named.
class DemoData
{
public:
    // Sends the requests, fire and forget. The engine must be started with the demo agents
    // registered.
    static void seed(Engine &engine);
};

} // namespace Durable::Studio
