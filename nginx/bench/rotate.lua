-- wrk script: each request carries the next token of the file named by $EDJWT_TOKENS
-- (one token a line), round robin.
local tokens = {}
for line in io.lines(os.getenv("EDJWT_TOKENS")) do
    tokens[#tokens + 1] = line
end
local i = 0

request = function()
    i = i % #tokens + 1
    return wrk.format("GET", nil, { Authorization = "Bearer " .. tokens[i] })
end
