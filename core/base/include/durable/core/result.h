// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <optional>
#include <utility>

namespace Durable {

// A value or an Error: what engine and infrastructure APIs return instead of throwing.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) { }
    Result(Error error) : m_error(std::move(error)) { }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    T valueOr(T fallback) const { return ok() ? *m_value : std::move(fallback); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }

    const Error &error() const { return m_error; }

    // Inside a turn: unwrap or throw, so agent code stays straight-line.
    T orThrow() &&
    {
        if (!ok())
            throw m_error;
        return std::move(*m_value);
    }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_ok(false), m_error(std::move(error)) { }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }
    void orThrow() const
    {
        if (!m_ok)
            throw m_error;
    }

private:
    bool m_ok = true;
    Error m_error;
};

} // namespace Durable
