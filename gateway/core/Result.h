#pragma once

#include <utility>
#include <variant>

#include "api/ApiError.h"

namespace ar {

// Errors are values: a Result holds either a T or the ApiError that explains why not.
template <typename T>
class Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(ApiError error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_v); }
    const T& value() const { return std::get<0>(m_v); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const ApiError& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, ApiError> m_v;
};

// For operations that only succeed or fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace ar
