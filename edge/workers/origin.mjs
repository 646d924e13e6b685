// The `origin` Worker, reached only through the `auth` Worker's service binding: answers
// 200 with the subject the auth Worker passed on and the path.
export default {
  fetch(request) {
    return Response.json({
      sub: request.headers.get('x-verified-sub'),
      path: new URL(request.url).pathname,
    });
  },
};
