// What the sequencers hand discovery (`theaters`, `movies`, validate's look-ups, region lists):
// an HTTP client over their Io, so look-ups are sent, paced and cooled down as a check's requests.
#pragma once

#include "discover.hpp"
#include "http.hpp"
#include "io.hpp"

namespace alimi {

// One asker per command (or per validate, or per list read): the look-ups made through it share
// its pacing, and a host that answered 429 or a block page is not asked again during its life.
class ClientAsker final : public Asker {
  public:
    explicit ClientAsker(const HttpSettings &settings, const Io &io = system_io())
        : m_io(io), m_client(settings, {}, io) {}

    std::vector<HttpResult> ask(const std::vector<HttpRequest> &requests) override {
        return m_client.perform(requests);
    }
    TimePoint now() const override { return m_io.now(); }

  private:
    const Io &m_io;
    HttpClient m_client;
};

} // namespace alimi
