-- REST checks Envoy's JSON transcoder does not make (satmon_cli.envoy_lua renders this file into
-- envoy.yaml with the tables below generated from proto/):
--   * a JSON body field the request message does not have is a 400 naming it (the transcoder
--     would drop it silently, and the service would never know it was sent);
--   * the transcoder's message for a bad enum value gets the values an operator may type.
-- gRPC and grpc-web requests pass untouched: their bodies are protobuf, checked by the service.

-- ENUM_VALUES[enum full name] = "acs, data, ..."; BODY_SCHEMAS = { {method, path pattern, schema} }
-- where a schema maps each field's JSON and proto names to true (a scalar, a map or a free-form
-- value: not looked into) or to the schema of its message.
@TABLES@

local function is_grpc(headers)
  local content_type = headers:get("content-type") or ""
  return string.find(content_type, "application/grpc", 1, true) == 1
end

local function schema_for(method, path)
  path = string.gsub(path, "%?.*$", "")
  for _, rule in ipairs(BODY_SCHEMAS) do
    if rule[1] == method and string.match(path, rule[2]) then
      return rule[3]
    end
  end
  return nil
end

-- A small JSON walker: collects the fields a schema does not know. Returns the index after the
-- value, or nil when the text is not JSON (the transcoder then answers for the malformed body).
local walk

local function skip_space(text, i)
  return string.find(text, "[^ \t\r\n]", i) or (#text + 1)
end

local function read_string(text, i)
  local j = i + 1
  while j <= #text do
    local c = string.sub(text, j, j)
    if c == "\\" then
      j = j + 2
    elseif c == '"' then
      return string.sub(text, i + 1, j - 1), j + 1
    else
      j = j + 1
    end
  end
  return nil, nil
end

local function walk_object(text, i, schema, prefix, unknown)
  i = skip_space(text, i + 1)
  if string.sub(text, i, i) == "}" then return i + 1 end
  while true do
    if string.sub(text, i, i) ~= '"' then return nil end
    local key, after = read_string(text, i)
    if key == nil then return nil end
    i = skip_space(text, after)
    if string.sub(text, i, i) ~= ":" then return nil end
    local child = true
    if type(schema) == "table" then
      child = schema[key]
      if child == nil then
        table.insert(unknown, prefix .. key)
        child = true
      end
    end
    i = walk(text, i + 1, child, prefix .. key .. ".", unknown)
    if i == nil then return nil end
    i = skip_space(text, i)
    local c = string.sub(text, i, i)
    if c == "}" then return i + 1 end
    if c ~= "," then return nil end
    i = skip_space(text, i + 1)
  end
end

local function walk_array(text, i, schema, prefix, unknown)
  i = skip_space(text, i + 1)
  if string.sub(text, i, i) == "]" then return i + 1 end
  local index = 0
  while true do
    i = walk(text, i, schema, string.sub(prefix, 1, -2) .. "[" .. index .. "].", unknown)
    if i == nil then return nil end
    i = skip_space(text, i)
    local c = string.sub(text, i, i)
    if c == "]" then return i + 1 end
    if c ~= "," then return nil end
    i = i + 1
    index = index + 1
  end
end

walk = function(text, i, schema, prefix, unknown)
  i = skip_space(text, i)
  local c = string.sub(text, i, i)
  if c == "{" then return walk_object(text, i, schema, prefix, unknown) end
  if c == "[" then return walk_array(text, i, schema, prefix, unknown) end
  if c == '"' then
    local _, after = read_string(text, i)
    return after
  end
  local after = string.find(text, "[,%]} \t\r\n]", i)
  if after == i then return nil end
  return after or (#text + 1)
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local method = headers:get(":method")
  if (method ~= "POST" and method ~= "PUT" and method ~= "PATCH") or is_grpc(headers) then return end
  local schema = schema_for(method, headers:get(":path") or "")
  if schema == nil then return end
  local body = handle:body()
  if body == nil or body:length() == 0 then return end
  local unknown = {}
  local text = body:getBytes(0, body:length())
  local after = walk(text, 1, schema, "", unknown)
  if after == nil or #unknown == 0 then return end
  -- Plain text: Envoy's local reply mapper wraps it in the JSON google.rpc.Status every error has.
  handle:respond({[":status"] = "400", ["content-type"] = "text/plain"},
    table.concat(unknown, ", ") .. ": unknown field" .. (#unknown > 1 and "s" or "") ..
    " (the REST reference is at /api/v1/docs)")
end

function envoy_on_response(handle)
  local headers = handle:headers()
  if headers:get(":status") ~= "400" or is_grpc(headers) then return end
  local body = handle:body()
  if body == nil then return end
  local text = body:getBytes(0, body:length())
  local enum = string.match(text, "for type type%.googleapis%.com/([%w%._]+)")
  if enum == nil or ENUM_VALUES[enum] == nil then return end
  local hint = "; valid values: " .. ENUM_VALUES[enum] .. " (any case, or the full names)"
  -- Envoy sets the content length of a body replaced here; the headers are no longer ours to touch.
  body:setBytes((string.gsub(text, "(for type type%.googleapis%.com/[%w%._]+)", "%1" .. hint, 1)))
end
