// SPDX-License-Identifier: MIT
// The chat page of `durable serve` (GET /ui/chat/{class}/{name}): one agent's conversation over
// its WebSocket (GET /objects/{class}/{name}/connect), the reply growing as the model streams,
// and the agent's pending human requests, answered over plain HTTP (POST /inbox/{id}).
//
// Text from the agent, the model or the person is only ever set through textContent, never as
// HTML. An access_token in this page's address is passed on to every request it makes.
'use strict';

(function () {
    const segments = location.pathname.split('/'); // ["", "ui", "chat", class, name]
    const className = decodeURIComponent(segments[3] || '');
    const objectName = decodeURIComponent(segments[4] || '');
    const token = new URLSearchParams(location.search).get('access_token') || '';

    const byId = (id) => document.getElementById(id);
    const ui = {
        avatar: document.querySelector('.avatar'),
        name: byId('object-name'),
        subtitle: byId('object-class'),
        status: byId('status'),
        statusText: byId('status-text'),
        error: byId('error'),
        conversation: byId('conversation'),
        empty: byId('empty'),
        messages: byId('messages'),
        requests: byId('requests'),
        requestList: byId('request-list'),
        composer: byId('composer'),
        text: byId('text'),
        send: byId('send'),
        state: byId('state'),
    };

    const minBackoffMs = 500;
    const maxBackoffMs = 10000;

    let socket = null;
    let connected = false;
    let backoffMs = minBackoffMs;
    let reconnectTimer = null;
    let callCount = 0;
    const pendingCalls = new Map(); // call id -> {method, text}
    const streams = new Map(); // model call id -> {round, attempt, text, element}
    let history = [];
    let historyCall = null; // id of the history call in flight
    let historyAgain = false; // something changed while it was in flight
    let requestsLoading = false;
    let requestsAgain = false;

    // --- small DOM helpers: text only ---

    function element(tag, className, text) {
        const node = document.createElement(tag);
        if (className)
            node.className = className;
        if (text !== undefined)
            node.textContent = text;
        return node;
    }

    function setStatus(state, text) {
        ui.status.dataset.state = state;
        ui.statusText.textContent = text;
        ui.send.disabled = !connected;
    }

    function showError(text) {
        ui.error.textContent = text;
        ui.error.hidden = false;
    }

    function clearError() {
        ui.error.hidden = true;
        ui.error.textContent = '';
    }

    function scrollToEnd() {
        ui.conversation.scrollTop = ui.conversation.scrollHeight;
    }

    // --- HTTP: the inbox ---

    function withToken(path) {
        if (!token)
            return path;
        return path + (path.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token);
    }

    async function api(method, path, body) {
        const headers = {};
        if (token)
            headers.Authorization = 'Bearer ' + token;
        if (body !== undefined)
            headers['Content-Type'] = 'application/json';
        const response = await fetch(path, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            cache: 'no-store',
        });
        let json = null;
        try {
            json = await response.json();
        } catch (e) {
            json = null;
        }
        if (!response.ok) {
            const message = json && json.error && json.error.message
                ? json.error.message : response.status + ' ' + response.statusText;
            const error = new Error(message);
            error.status = response.status;
            throw error;
        }
        return json;
    }

    async function refreshRequests() {
        if (requestsLoading) {
            requestsAgain = true;
            return;
        }
        requestsLoading = true;
        try {
            const json = await api('GET', '/inbox?class=' + encodeURIComponent(className));
            const mine = (json && json.requests || []).filter(
                (request) => request.objectName === objectName &&
                    (!request.status || request.status === 'pending'));
            renderRequests(mine);
        } catch (error) {
            showError('Could not read the pending requests: ' + error.message);
        } finally {
            requestsLoading = false;
            if (requestsAgain) {
                requestsAgain = false;
                refreshRequests();
            }
        }
    }

    function renderRequests(requests) {
        const cards = requests.map((request) => {
            const card = element('li', 'request');
            card.dataset.requestId = request.requestId;
            card.append(element('h3', 'request-title', request.title || 'A request'));
            if (request.prompt)
                card.append(element('p', 'request-prompt', request.prompt));
            const actions = element('div', 'request-actions');
            const offered = request.actions || [];
            for (const action of ['approve', 'reject']) {
                if (!offered.includes(action))
                    continue;
                const button = element('button', 'action ' + action,
                    action === 'approve' ? 'Approve' : 'Reject');
                button.type = 'button';
                button.dataset.action = action;
                button.addEventListener('click', () => answer(request.requestId, action, card));
                actions.append(button);
            }
            if (offered.some((action) => action !== 'approve' && action !== 'reject'))
                actions.append(element('span', 'request-note',
                    'Other answers: the studio\u2019s inbox or POST /inbox/' + request.requestId));
            card.append(actions);
            return card;
        });
        ui.requestList.replaceChildren(...cards);
        ui.requests.hidden = cards.length === 0;
        scrollToEnd(); // the panel took room from the conversation: keep its end in view
    }

    async function answer(requestId, action, card) {
        for (const button of card.querySelectorAll('button'))
            button.disabled = true;
        card.classList.add('answering');
        try {
            await api('POST', '/inbox/' + encodeURIComponent(requestId), { action });
            card.remove();
            ui.requests.hidden = ui.requestList.children.length === 0;
            refreshRequests();
        } catch (error) {
            card.classList.remove('answering');
            for (const button of card.querySelectorAll('button'))
                button.disabled = false;
            showError('Could not ' + action + ' the request: ' + error.message);
        }
    }

    // --- the conversation ---

    function messageElement(role, text, extraClass) {
        const item = element('li', 'message ' + role + (extraClass ? ' ' + extraClass : ''));
        item.append(element('div', 'role', role === 'user' ? 'You' : className));
        item.append(element('div', 'bubble', text));
        return item;
    }

    function contentOf(message) {
        const content = message.content;
        if (typeof content === 'string')
            return content;
        if (Array.isArray(content)) // content parts: keep their text
            return content.map((part) => (part && part.text) || '').join('');
        return '';
    }

    // Draws the committed history, then messages sent but not committed yet, then replies
    // still streaming.
    function render() {
        const items = [];
        for (const message of history) {
            const text = contentOf(message);
            if ((message.role === 'user' || message.role === 'assistant') && text)
                items.push(messageElement(message.role, text));
        }
        for (const call of pendingCalls.values()) {
            if (call.method === 'chat')
                items.push(messageElement('user', call.text, 'sending'));
        }
        for (const [callId, stream] of streams) {
            if (!stream.element) {
                stream.element = messageElement('assistant', '', 'streaming');
                stream.element.dataset.callId = callId;
            }
            stream.element.querySelector('.bubble').textContent = stream.text;
            items.push(stream.element);
        }
        ui.messages.replaceChildren(...items);
        ui.empty.hidden = items.length > 0;
        scrollToEnd();
    }

    function requestHistory() {
        if (historyCall) {
            historyAgain = true;
            return;
        }
        historyCall = call('history', {});
    }

    function onDelta(frame) {
        let stream = streams.get(frame.callId);
        if (!stream) {
            stream = { round: frame.round, attempt: frame.attempt, text: '', element: null };
            streams.set(frame.callId, stream);
        }
        // A new round (after a tool) or a retried attempt starts its text again.
        if (stream.round !== frame.round || stream.attempt !== frame.attempt) {
            stream.round = frame.round;
            stream.attempt = frame.attempt;
            stream.text = '';
        }
        stream.text += frame.delta || '';
        if (stream.element) {
            stream.element.querySelector('.bubble').textContent = stream.text;
            scrollToEnd();
        } else {
            render();
        }
    }

    // A committed turn: the streamed replies are in the history now.
    function finishStreams() {
        streams.clear();
    }

    // --- the WebSocket ---

    function call(method, args, extra) {
        const id = method + '-' + (++callCount);
        pendingCalls.set(id, Object.assign({ method }, extra || {}));
        socket.send(JSON.stringify({ type: 'call', id, method, args }));
        return id;
    }

    function onReply(frame) {
        const pending = pendingCalls.get(frame.id);
        pendingCalls.delete(frame.id);
        if (frame.id === historyCall) {
            historyCall = null;
            if (frame.type === 'reply' && Array.isArray(frame.result))
                history = frame.result;
            if (historyAgain) {
                historyAgain = false;
                requestHistory();
            }
            render();
        } else if (pending && pending.method === 'chat' && frame.type === 'reply') {
            requestHistory(); // the message is committed: it is in the history now
        } else {
            render();
        }
        if (frame.type === 'error') {
            const error = frame.error || {};
            showError((pending ? 'The ' + pending.method + ' call failed: ' : '') +
                (error.message || 'unknown error'));
        }
    }

    function onFrame(event) {
        let frame;
        try {
            frame = JSON.parse(event.data);
        } catch (e) {
            showError('The gateway sent something that is not JSON: ' + String(event.data).slice(0, 200));
            return;
        }
        switch (frame.type) {
        case 'hello':
            connected = true;
            backoffMs = minBackoffMs;
            clearError();
            setStatus('connected', 'connected');
            ui.subtitle.textContent = (frame.className || className) +
                (frame.id ? ' \u00b7 ' + frame.id.slice(0, 8) : '');
            ui.state.textContent = JSON.stringify(frame.state || {}, null, 2);
            requestHistory();
            refreshRequests();
            break;
        case 'state':
            ui.state.textContent = JSON.stringify(frame.state || {}, null, 2);
            finishStreams();
            requestHistory();
            break;
        case 'event':
            // Not on every completed turn: each call of this page is a turn of its own, so the
            // history call would ask for itself again. New messages come with a state change
            // (the answer) or with the reply to this page's chat call.
            if (String(frame.kind).startsWith('human-request'))
                refreshRequests();
            break;
        case 'delta':
            onDelta(frame);
            break;
        case 'reply':
        case 'error':
            onReply(frame);
            break;
        case 'overflow':
            // Events were dropped: start again from a fresh hello.
            socket.close();
            break;
        default:
            break;
        }
    }

    function connectUrl() {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        return withToken(scheme + '//' + location.host + '/objects/' +
            encodeURIComponent(className) + '/' + encodeURIComponent(objectName) + '/connect');
    }

    function connect() {
        reconnectTimer = null;
        setStatus('connecting', 'connecting');
        const ws = new WebSocket(connectUrl());
        socket = ws;
        let greeted = false;
        ws.addEventListener('message', (event) => {
            if (ws !== socket)
                return;
            const wasConnected = connected;
            onFrame(event);
            greeted = greeted || (!wasConnected && connected);
        });
        ws.addEventListener('close', () => {
            if (ws !== socket)
                return;
            onClose(greeted);
        });
    }

    async function onClose(greeted) {
        connected = false;
        socket = null;
        historyCall = null;
        historyAgain = false;
        finishStreams();
        // Unanswered calls are lost with the connection; a sent message may or may not have
        // committed: the history after reconnecting says which.
        pendingCalls.clear();
        render();
        const delayMs = greeted ? minBackoffMs : backoffMs;
        backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
        setStatus('reconnecting', 'reconnecting in ' + Math.ceil(delayMs / 1000) + ' s');
        if (!greeted)
            await explainRefusal();
        reconnectTimer = setTimeout(connect, delayMs);
    }

    // A WebSocket that closes without a word says nothing about why: ask over HTTP.
    async function explainRefusal() {
        try {
            await api('GET', '/health');
            showError('The gateway did not accept the WebSocket of ' + className + '/' +
                objectName + '; retrying.');
        } catch (error) {
            if (error.status === 401) {
                setStatus('error', 'not authorized');
                showError('The gateway refused this page: ' + error.message + '. Open the page ' +
                    'with ?access_token=<token> (the token `durable serve` was started with).');
            } else {
                showError('The gateway cannot be reached (' + error.message + '); retrying.');
            }
        }
    }

    // --- the composer ---

    function resizeComposer() {
        ui.text.style.height = 'auto';
        ui.text.style.height = Math.min(ui.text.scrollHeight, 160) + 'px';
    }

    ui.composer.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = ui.text.value.trim();
        if (!text)
            return;
        if (!connected) {
            showError('Not connected: the message was not sent.');
            return;
        }
        call('chat', { text }, { text });
        ui.text.value = '';
        resizeComposer();
        render();
    });
    ui.text.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            ui.composer.requestSubmit();
        }
    });
    ui.text.addEventListener('input', resizeComposer);

    // --- start ---

    if (!className || !objectName) {
        setStatus('error', 'no object');
        showError('Open this page as /ui/chat/{class}/{name}, e.g. /ui/chat/Assistant/me.');
        return;
    }
    ui.name.textContent = objectName;
    ui.subtitle.textContent = className;
    ui.avatar.textContent = className.charAt(0).toUpperCase();
    document.title = objectName + ' \u00b7 ' + className + ' \u2014 Durable chat';
    render();
    connect();
})();
