-- wrk script for the calculator contract: sends one request shape and checks
-- every reply (issue 7 §1 benchmarks).
--
-- Usage: WWS_OP=add|echo [WWS_ECHO_BYTES=65536] [WWS_SOAP=1.1|1.2] \
--          wrk -t2 -c32 -d10s -s tests/interop/wrk_calculator.lua URL
-- Add sends Add(1.5, 2.25) and wants <...result>3.75</...result>; Echo sends
-- WWS_ECHO_BYTES of "x" and wants an EchoResponse at least that long.
-- A reply is bad unless HTTP 200 and the check holds. done() prints
-- "wrk-check: <n> replies, <bad> bad" and exits 1 when any was bad.

local op = os.getenv("WWS_OP") or "add"
local soap = os.getenv("WWS_SOAP") or "1.1"
local echo_bytes = tonumber(os.getenv("WWS_ECHO_BYTES") or "65536")
local tns = "http://example.org/wws/calculator"

local env_ns, content_type
if soap == "1.2" then
    env_ns = "http://www.w3.org/2003/05/soap-envelope"
    content_type = 'application/soap+xml; charset=utf-8; action="' .. tns .. '/'
else
    env_ns = "http://schemas.xmlsoap.org/soap/envelope/"
    content_type = "text/xml; charset=utf-8"
end

local payload
if op == "echo" then
    payload = '<c:Echo xmlns:c="' .. tns .. '"><c:text>' .. string.rep("x", echo_bytes) ..
        "</c:text></c:Echo>"
else
    op = "add"
    payload = '<c:Add xmlns:c="' .. tns .. '"><c:a>1.5</c:a><c:b>2.25</c:b></c:Add>'
end
local action = tns .. "/" .. (op == "echo" and "Echo" or "Add")

wrk.method = "POST"
wrk.body = '<s:Envelope xmlns:s="' .. env_ns .. '"><s:Body>' .. payload .. "</s:Body></s:Envelope>"
if soap == "1.2" then
    wrk.headers["Content-Type"] = content_type .. (op == "echo" and "Echo" or "Add") .. '"'
else
    wrk.headers["Content-Type"] = content_type
    wrk.headers["SOAPAction"] = '"' .. action .. '"'
end

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    replies = 0
    bad = 0
end

local function good(status, body)
    if status ~= 200 or body == nil then
        return false
    end
    if op == "add" then
        -- any prefix: ...:result>3.75</...
        return string.find(body, "result>3.75</", 1, true) ~= nil
    end
    return #body >= echo_bytes and string.find(body, "EchoResponse", 1, true) ~= nil
end

function response(status, headers, body)
    replies = replies + 1
    if not good(status, body) then
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    local total_replies, total_bad = 0, 0
    for _, t in ipairs(threads) do
        total_replies = total_replies + t:get("replies")
        total_bad = total_bad + t:get("bad")
    end
    io.write(string.format("wrk-check: %d replies, %d bad\n", total_replies, total_bad))
    if total_bad > 0 or total_replies == 0 then
        os.exit(1)
    end
end
