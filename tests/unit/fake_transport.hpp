// An in-memory transport: each request is answered at once by a function of the request, and
// every request sent is kept, so HttpClient's manners are tested without a socket.
#pragma once

#include "io.hpp"
#include "transport.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace alimi::test {

struct FakeWire {
    std::function<Exchange(const HttpRequest &)> answer;
    std::vector<HttpRequest> sent;
    int in_flight = 0;
    int most_in_flight = 0; // the most requests started and not yet ended at once
};

// A server's answer as it comes off the wire.
inline Exchange reply(long status, std::string body, std::string content_type = "application/json",
                      std::string retry_after = "") {
    Exchange x;
    x.answer.status = status;
    x.answer.body = std::move(body);
    x.answer.content_type = std::move(content_type);
    x.retry_after = std::move(retry_after);
    return x;
}

// A transfer that broke off after `status` (0: before any status line).
inline Exchange broken(Outcome outcome, std::string why, long status = 0, std::string body = "") {
    Exchange x;
    x.failed = true;
    x.answer.outcome = outcome;
    x.answer.error = std::move(why);
    x.answer.status = status;
    x.answer.body = std::move(body);
    return x;
}

class FakeTransport final : public Transport {
  public:
    explicit FakeTransport(FakeWire &wire) : m_wire(wire) {}
    void start(std::size_t id, const HttpRequest &request) override {
        m_wire.sent.push_back(request);
        m_wire.most_in_flight = std::max(m_wire.most_in_flight, ++m_wire.in_flight);
        m_pending.emplace_back(id, m_wire.answer(request));
    }
    std::vector<std::pair<std::size_t, Exchange>> wait(std::chrono::milliseconds) override {
        m_wire.in_flight -= static_cast<int>(m_pending.size());
        return std::exchange(m_pending, {});
    }
    void abandon() override {
        m_wire.in_flight -= static_cast<int>(m_pending.size());
        m_pending.clear();
    }

  private:
    FakeWire &m_wire;
    std::vector<std::pair<std::size_t, Exchange>> m_pending;
};

// What HttpClient and the sequencers take: every client they make talks to this wire.
inline TransportMaker fake_transport(FakeWire &wire) {
    return [&wire](const HttpSettings &, const std::string &) {
        return std::make_unique<FakeTransport>(wire);
    };
}

// An Io of the wire and the system clock (a test with a clock of its own sets now).
inline Io fake_io(FakeWire &wire) {
    Io io;
    io.transport = fake_transport(wire);
    return io;
}

} // namespace alimi::test
