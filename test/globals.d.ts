// Tests read JSON bodies they then assert on field by field; `any` there keeps the assertions readable.
interface Response {
  json(): Promise<any>;
}
