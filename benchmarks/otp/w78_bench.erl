%% The Erlang/OTP peers of W7 and W8, beside the shared peer's W1-W6
%% (shared/peers/otp): the same supervisor flags, child (peer_worker), JSON
%% lines and percentile rule.
%%   erl +S 2:2 -noshell -pa BUILD -run w78_bench main w7 N Warm
%%   erl +S 2:2 -name w78@127.0.0.1 -noshell -pa BUILD -run w78_bench main w8 N Warm Trips
-module(w78_bench).
-export([main/1, start_remote/1, remote_init/1]).

-define(HUGE_INTENSITY, 1000000000).

main(Args) ->
    ok = logger:set_primary_config(level, critical),
    try run(Args)
    catch C:R:St ->
        io:format(standard_error, "w78_bench ~p failed: ~p:~p~n~p~n", [Args, C, R, St]),
        erlang:halt(1)
    end,
    erlang:halt(0).

run(["w7", N, Warm]) -> w7(list_to_integer(N), list_to_integer(Warm));
run(["w8", N, Warm, Trips]) ->
    w8(list_to_integer(N), list_to_integer(Warm), list_to_integer(Trips)).

%% ---------------------------------------------------------------- helpers
now_ns() -> erlang:monotonic_time(nanosecond).
us(Ns) -> Ns / 1000.

emit(Workload, KVs) ->
    Peer = "erlang-otp-" ++ erlang:system_info(otp_release),
    Pairs = [{workload, Workload}, {peer, Peer} | KVs] ++
            [{schedulers, erlang:system_info(schedulers_online)}],
    Body = lists:join(",", [["\"", atom_to_list(K), "\":", jv(V)] || {K, V} <- Pairs]),
    io:format("~s~n", [["{", Body, "}"]]).

jv(V) when is_integer(V) -> integer_to_list(V);
jv(V) when is_float(V) -> float_to_list(V, [{decimals, 3}, compact]);
jv(V) when is_atom(V) -> ["\"", atom_to_list(V), "\""];
jv(V) when is_list(V) -> ["\"", V, "\""].

pct(Sorted, Len, P) -> lists:nth(max(1, ceil(P * Len)), Sorted).

stats_us(SamplesNs) ->
    S = lists:sort(SamplesNs),
    L = length(S),
    [{median_us, us(pct(S, L, 0.5))}, {p99_us, us(pct(S, L, 0.99))},
     {mean_us, us(lists:sum(S) / L)}, {min_us, us(hd(S))}, {max_us, us(lists:last(S))},
     {n, L}].

flags() -> #{strategy => one_for_one, intensity => ?HUGE_INTENSITY, period => 1}.

spec(Start) ->
    #{id => w, start => Start, restart => permanent, shutdown => 5000, type => worker,
      modules => [peer_worker]}.

%% W1's loop (as otp_bench's W1_nohist: the restart history is emptied before
%% each iteration, untimed), with the crash given.
restart_loop(0, _Sup, P, _Crash, Acc, Polls) -> {P, Acc, Polls};
restart_loop(I, Sup, P, Crash, Acc, Polls) ->
    sys:replace_state(Sup, fun(S) -> setelement(8, S, []) end),
    T0 = now_ns(),
    Crash(P),
    {NewP, K} = wait_new_child(Sup, P, 1),
    pong = gen_server:call(NewP, ping),
    T1 = now_ns(),
    restart_loop(I - 1, Sup, NewP, Crash, [T1 - T0 | Acc], Polls + K).

wait_new_child(Sup, Old, K) ->
    case supervisor:which_children(Sup) of
        [{_, P, _, _}] when is_pid(P), P =/= Old -> {P, K};
        _ -> wait_new_child(Sup, Old, K + 1)
    end.

timed_restarts(W, Start, Crash, N, Warm) ->
    {ok, Sup} = peer_sup:start_link(flags(), [spec(Start)]),
    [{_, P0, _, _}] = supervisor:which_children(Sup),
    pong = gen_server:call(P0, ping),
    {P1, _, _} = restart_loop(Warm, Sup, P0, Crash, [], 0),
    {P2, Samples, Polls} = restart_loop(N, Sup, P1, Crash, [], 0),
    emit(W, [{history, cleared_history}, {warmup, Warm}, {polls_per_restart, Polls / N}
             | stats_us(Samples)]),
    {Sup, P2}.

%% ---------------------------------------------------------------- W7
%% A process-isolated Erlang child is a port program: port_worker's OS
%% process kills itself with SIGSEGV when told, the port's exit stops the
%% gen_server, and the supervisor restarts it with a new OS process.
w7(N, Warm) ->
    {Sup, _} = timed_restarts("W7", {port_worker, start_link, []},
                              fun(P) -> gen_server:cast(P, segv) end, N, Warm),
    unlink(Sup),
    gen_server:stop(Sup).

%% ---------------------------------------------------------------- W8
%% The child runs on another BEAM node on loopback (Erlang distribution), is
%% crashed with exit(Child, crash), and answers calls over the distribution.
w8(N, Warm, Trips) ->
    Dir = filename:dirname(code:which(?MODULE)),
    {ok, Peer, Node} = peer:start_link(#{name => w8_node, host => "127.0.0.1", longnames => true,
                                         args => ["+S", "2:2", "-pa", Dir, "-setcookie",
                                                  atom_to_list(erlang:get_cookie())]}),
    {Sup, P} = timed_restarts("W8", {?MODULE, start_remote, [Node]},
                              fun(Child) -> exit(Child, crash) end, N, Warm),
    emit("W8_rtt", stats_us(round_trips(Trips, P, []))),
    unlink(Sup),
    gen_server:stop(Sup),
    peer:stop(Peer).

round_trips(0, _P, Acc) -> Acc;
round_trips(I, P, Acc) ->
    T0 = now_ns(),
    pong = gen_server:call(P, ping),
    round_trips(I - 1, P, [now_ns() - T0 | Acc]).

%% The child's start: a peer_worker on Node, linked to the supervisor.
start_remote(Node) ->
    Parent = self(),
    Pid = proc_lib:spawn_link(Node, ?MODULE, remote_init, [Parent]),
    receive {Pid, up} -> {ok, Pid} end.

remote_init(Parent) ->
    Parent ! {self(), up},
    gen_server:enter_loop(peer_worker, [], erlang:monotonic_time(nanosecond)).
