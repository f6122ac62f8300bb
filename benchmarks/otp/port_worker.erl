%% W7's child: a gen_server that owns a port program (a shell reading lines).
%% ping goes through the program; the cast segv makes it kill itself with
%% SIGSEGV, and the port's exit stops the gen_server with the status.
-module(port_worker).
-behaviour(gen_server).
-export([start_link/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(SCRIPT, "while read l; do [ \"$l\" = segv ] && kill -SEGV $$; echo \"$l\"; done").

start_link() -> gen_server:start_link(?MODULE, [], []).

init([]) ->
    Port = open_port({spawn_executable, "/bin/sh"},
                     [{args, ["-c", ?SCRIPT]}, {line, 64}, exit_status, binary]),
    {ok, Port}.

handle_call(ping, _From, Port) ->
    port_command(Port, <<"ping\n">>),
    receive {Port, {data, {eol, <<"ping">>}}} -> {reply, pong, Port} end.

handle_cast(segv, Port) ->
    port_command(Port, <<"segv\n">>),
    {noreply, Port}.

handle_info({Port, {exit_status, Status}}, Port) -> {stop, {port_exit, Status}, Port};
handle_info(_Msg, Port) -> {noreply, Port}.
