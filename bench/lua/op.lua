-- One generic wrk script for every operation of the benchmark.
--   wrk -t1 -cC -dS --latency -s bench/lua/op.lua URL -- <data.lua> [start]
-- <data.lua> is written by the harness and returns:
--   { method = "GET", headers = {...}, walk = false, check = false, refusal = nil,
--     items = { {path = "/x"}, {path = "/y", body = "{...}"}, {path = "/z", pre = "..", post = ".."} } }
-- walk = false: each request takes a random item; walk = true: items in order from <start>
-- (so a pay run never sends the same invoice twice). An item with pre/post gets a body of
-- pre .. <sequence number> .. post, so every PUT really changes the record.
-- check = true: a 200 answer whose body holds "WasSuccessful":false counts as failed, or as
-- refused when it contains the text `refusal` (an expected answer, e.g. "already paid").

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
end

local data, items, count, seq

function init(args)
   data = dofile(args[1])
   items = data.items
   count = #items
   seq = tonumber(args[2] or "0") or 0
   math.randomseed(os.time() + seq)
   failed = 0  -- globals: done() reads them through thread:get()
   refused = 0
   if data.check then
      function response(status, headers, body)
         if status == 200 and body and string.find(body, '"WasSuccessful":false', 1, true) then
            if data.refusal and string.find(body, data.refusal, 1, true) then
               refused = refused + 1
            else
               failed = failed + 1
            end
         end
      end
   end
end

function request()
   local item
   seq = seq + 1
   if data.walk then
      item = items[(seq - 1) % count + 1]
   else
      item = items[math.random(count)]
   end
   local body = item.body
   if item.pre then
      body = item.pre .. seq .. item.post
   end
   return wrk.format(data.method, item.path, data.headers, body)
end

function done(summary, latency, requests)
   local f, r = 0, 0
   for _, t in ipairs(threads) do
      f = f + (t:get("failed") or 0)
      r = r + (t:get("refused") or 0)
   end
   io.write(string.format("bench: failed=%d refused=%d\n", f, r))
end
