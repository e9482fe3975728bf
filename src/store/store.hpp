// The state database: known openings, target health, the push outbox, host cool-downs, events.
// Schema versioned with PRAGMA user_version and ordered migrations; prepared statements only.
#pragma once

#include "diff.hpp"
#include "http_policy.hpp"
#include "message.hpp"
#include "opening.hpp"
#include "sqlite.hpp"
#include "store_values.hpp"
#include "timeutil.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi {

class Store {
  public:
    // Creates the file (and its folders) unless mode is existing; migrates to the current schema.
    // before_migrate, when given, looks at the opened database first and may refuse it (throw).
    Store(const std::string &path, Database::Mode mode,
          const std::function<void(Database &)> &before_migrate = {});
    // An empty in-memory store: what --dry-run and `status` use when no state file exists yet.
    static std::unique_ptr<Store> in_memory();
    // The schema version this build writes (PRAGMA user_version).
    static int schema_version();
    // Applies the migrations after db's version up to `version` (tests build old databases with
    // it).
    static void migrate(Database &db, int version);

    Database &db() { return *m_db; }
    // Every text the store writes (errors, events, pushes) is redacted of these from now on: a
    // server's answer quoted in an error may echo a token (Config::secrets).
    void set_secrets(std::vector<std::string> secrets) { m_secrets = std::move(secrets); }
    const std::string &path() const { return m_db->path(); }

    // Records what target watches. When it watched something else before, everything learnt
    // for it (openings, sweeps, its baseline) is forgotten and the previous identity returned:
    // the next snapshot is a silent baseline of what it watches now. A target known from
    // before identities were kept takes its identity without forgetting anything.
    std::optional<std::string> adopt_identity(const std::string &target,
                                              const std::string &identity);
    // What target was last recorded watching; nullopt when never (or before identities).
    std::optional<std::string> identity(const std::string &target);
    bool has_baseline(const std::string &target);
    std::set<std::string> known_keys(const std::string &target);
    std::vector<KnownRow> known_rows(const std::string &target);
    // Renames known openings (old key, new key): a renumbered hall keeps its first-seen times.
    void rekey(const std::string &target,
               const std::vector<std::pair<std::string, std::string>> &moves);
    // Every current opening of the diff, with its mark (Diff::marks; settled when it has none).
    void save_openings(const std::string &target, const Diff &diff, TimePoint now);
    // The name cache (see NameRecord): a known name is never forgotten for an unknown one.
    struct CachedName {
        std::string name; // "" when the site was asked and did not know the code
        TimePoint seen_at;
    };
    std::optional<CachedName> cached_name(const std::string &chain, const std::string &kind,
                                          const std::string &code);
    void save_names(const std::string &chain, const std::vector<NameRecord> &names, TimePoint now);
    // A chain's theater list as region targets last read it (TheaterList), and its updates.
    TheaterList theater_list(const std::string &chain);
    void save_theater_list(const std::string &chain, const std::vector<TheaterInfo> &theaters,
                           TimePoint now);
    void note_theater_list_tried(const std::string &chain, TimePoint now);
    // Whole-screen sweep bookkeeping (see SourceMemory).
    SourceMemory sweep_memory(const std::string &target);
    // The swept dates whose showings must be taken silently: open since the baseline, never swept.
    std::set<std::string> silent_dates(const std::string &target,
                                       const std::vector<std::string> &swept);
    void record_sweep(const std::string &target, const Snapshot &snapshot, bool baseline,
                      TimePoint now);

    // Returns the failures in a row this success ends (0 when the target was healthy).
    int record_success(const std::string &target, bool baseline, TimePoint now);
    // Returns the consecutive failures after this one.
    int record_failure(const std::string &target, const std::string &error, TimePoint now);
    // Whether an operator alert about this target's failures is out (and no recovery yet).
    bool alerted(const std::string &target);
    void set_alerted(const std::string &target, bool alerted);
    // The target's standing warning ("" for none): see TargetHealth::warning.
    std::string warning(const std::string &target);
    void set_warning(const std::string &target, const std::string &warning);
    void add_event(const std::string &target, const std::string &kind, const std::string &detail,
                   TimePoint now);

    // kind: "opening", "alert" or another word for history; all are delivered alike.
    // route: the notifier's destination and the config that queues it (QueuedPush).
    long long queue_push(const std::string &target, const std::string &notifier,
                         const PushMessage &m, TimePoint now, const std::string &kind = "opening",
                         const PushRoute &route = {});
    std::vector<QueuedPush> due_pushes(TimePoint now);
    // Written before a push is sent, and counts the attempt: if no answer is ever recorded (a
    // kill, a full disk), its row says when it went out and waits until retry_at like a push
    // whose answer was lost, so it is not sent again on every run; if this cannot be written,
    // the push is not sent. The answer's record then overwrites it without counting again.
    void mark_sending(long long id, TimePoint now, TimePoint retry_at);
    void mark_delivered(long long id, TimePoint now);
    void mark_retry(long long id, const std::string &error, TimePoint next_attempt);
    // A push its notifier refused: not retried before until, unless the notifier's fingerprint
    // changes.
    void mark_held(long long id, const std::string &error, const std::string &fingerprint,
                   TimePoint until);
    // Notifiers that have held pushes: only their fingerprints need computing.
    std::vector<std::string> notifiers_holding();
    // Makes held pushes of notifier due now if its config changed; returns how many.
    int release_holds(const std::string &notifier, const std::string &fingerprint, TimePoint now);
    void mark_dropped(long long id, const std::string &reason, TimePoint now);
    int pending_count();

    // The cool-down of a host that ends last, whole host or one of its paths; none when silent.
    std::optional<Cooldown> cooldown(const std::string &host, TimePoint now);
    // Every cool-down still running, by key ("host" or "host/path").
    std::vector<Cooldown> cooldowns(TimePoint now);
    // The last cool-down of a key, running or ended (a repeat doubles it).
    std::optional<PastCooldown> last_cooldown(const std::string &key);
    void set_cooldown(const std::string &key, TimePoint until, double seconds,
                      const std::string &reason);
    // Ends the running cool-downs of host (its whole-host and path keys; every host for "") now;
    // returns how many. Their length is kept, so a repeat still doubles.
    int end_cooldowns(const std::string &host, TimePoint now);

    TargetHealth health(const std::string &target);
    // When each target was last attempted (unix seconds), for the order of a run.
    std::map<std::string, long long> last_attempts();

    // History and metrics.
    std::vector<Event> events(const std::string &target, TimePoint since, int limit,
                              const std::string &kind = "");
    std::vector<KnownOpening> recent_openings(int limit); // found after the baseline, newest first
    std::vector<KnownOpening> openings_of(const std::string &target); // by date and time
    // A target's pushes still waiting (any notifier; every target's for ""), oldest first.
    struct PendingPush {
        QueuedPush push;
        TimePoint next_attempt;
        bool held = false; // refused: waits for its notifier's config to change
    };
    std::vector<PendingPush> pending_pushes(const std::string &target);
    PushTotals push_totals();
    // Every opening ever found after the baseline: a counter pruning never lowers.
    void count_found(const std::string &target, int n);
    long long found_total(const std::string &target);
    // Openings found since `since`, read from the "openings" events ("N new: ..."), which
    // outlive the openings of past days; as far back as pruning keeps events.
    long long found_since(const std::string &target, TimePoint since);
    void add_request_counts(const std::map<std::string, int> &counts); // "host outcome" -> n
    std::vector<RequestCount> request_counts();
    std::optional<std::string> meta(const std::string &key);
    void set_meta(const std::string &key, const std::string &value);

    // The clock went back `seconds` since the last run (NTP fix, VM restore): move every stored
    // future moment (push retries, holds, cool-downs) back too, so waits keep their length.
    void shift_future_times(long long seconds);

    // The sites' clock as last seen (their Date headers): a clock of ours that runs ahead of it
    // (a VM restored, a wrong NTP answer) must not forget today's openings, or they come back as
    // news when the clock does. trusted_now is now, or the sites' last time when that is earlier.
    void note_site_clock(long long unix_seconds);
    TimePoint trusted_now(TimePoint now);

    // Deletes events and finished pushes older than keep_seconds, and openings of past days, all
    // by trusted_now(now).
    PruneCounts prune(TimePoint now, long long keep_seconds);

  private:
    explicit Store(std::unique_ptr<Database> db);
    void touch_target(const std::string &target);
    void add_to_counter(const std::string &key); // meta key holding a count that only goes up
    std::string clean(const std::string &text) const;

    std::unique_ptr<Database> m_db;
    std::vector<std::string> m_secrets;
};

} // namespace alimi
