// SPDX-License-Identifier: MIT
#pragma once

namespace Durable {
class HttpServer;
} // namespace Durable

namespace Durable::Cli {

// The web pages of `durable serve`, compiled in from resources/web (no framework, no external
// URLs):
//
//   GET /ui/chat/{class}/{name}   the chat page of one agent: it reads the class and the name
//                                 from its own address and talks to the object over
//                                 GET /objects/{class}/{name}/connect (a WebSocket) and /inbox
//   GET /ui/static/{file}         chat.js and chat.css
//
// The pages hold no data, but the server asks for its token on every request: a page opened
// with ?access_token= passes it on to its scripts, its WebSocket and its fetch calls.
class WebUi
{
public:
    // Adds the routes. Server thread only; the files are read once, here.
    static void install(HttpServer *server);
};

} // namespace Durable::Cli
